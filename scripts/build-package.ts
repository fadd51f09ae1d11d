/**
 * `npm run build` (and `prepare`, so `npm ci` runs it): the two entry points other code runs without
 * tsx — the client (`presigned-url-nonce/client`) and the CLI (`bin`) — as ESM bundles in dist/, plus
 * the client's type declarations. Dependencies stay external: they are this package's own.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Output file (without .js) → source. package.json "exports" and "bin" name these outputs. */
export const PACKAGE_ENTRIES = { client: 'client/index.ts', cli: 'cli/main.ts' } as const;

/** Where tsc writes the client's declarations, under the out dir. */
export const TYPES_DIR = 'types';

export interface BuildOptions {
  /**
   * Relative to the repository root, or absolute. Keep it inside the repository: the bundles import
   * their dependencies from node_modules. @default 'dist'
   */
  readonly outdir?: string;
  /** Emit the .d.ts files too (tsc, a few seconds). @default true */
  readonly declarations?: boolean;
}

export const buildPackage = async (options: BuildOptions = {}): Promise<void> => {
  const outdir = resolve(REPO_ROOT, options.outdir ?? 'dist');
  const inside = relative(REPO_ROOT, outdir);
  // The folder is emptied first: never the repository itself or anything outside it.
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`The out dir must be a folder inside the repository, not ${outdir}.`);
  }
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: PACKAGE_ENTRIES,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The dependencies are installed next to the bundle; bundling the AWS SDK would freeze its version.
    packages: 'external',
    logLevel: 'warning',
  });
  if (options.declarations ?? true) {
    await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
        '--project',
        join(REPO_ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(outdir, TYPES_DIR),
      ],
      { cwd: REPO_ROOT },
    );
  }
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPackage();
}
