/**
 * `npm run build` (and `prepare`, so `npm ci` and `npm pack` run it): what other code runs without tsx —
 * the client (`presigned-url-nonce/client`), the CLI (`bin`) and the construct (`presigned-url-nonce/cdk`)
 * as ESM bundles in dist/, their type declarations, and the five Lambda handlers prebuilt in dist/lambda/,
 * so that an app which installs the package synthesizes without esbuild, tsx or our sources.
 * Dependencies stay external: they are this package's own (aws-cdk-lib and constructs are the app's).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { HandlerName } from '../lib/functions.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Output file (without .js) → source. package.json "exports" and "bin" name these outputs. */
export const PACKAGE_ENTRIES = { client: 'client/index.ts', cli: 'cli/main.ts', cdk: 'lib/cdk.ts' } as const;

/** Where tsc writes the declarations, under the out dir. */
export const TYPES_DIR = 'types';

/**
 * The five handlers bundled by the construct itself, from source, exactly as `cdk synth` bundles them
 * (NonceFunction with BUNDLING, under cdk.json's context), then moved from the assembly's asset folders to
 * `<outdir>/lambda/<name>/` (PREBUILT_HANDLER_DIRS), where dist/cdk.js takes them. There is no second
 * definition of the esbuild options to drift: the bundles are byte for byte the ones `cdk synth` deploys.
 * The assembly is written one level below the out dir, as lambda/<name>/ is, so the source maps' relative
 * paths to lambda/handlers/ stay right after the move.
 */
export const buildHandlerBundles = async (outdir: string): Promise<Record<HandlerName, string>> => {
  // Loaded here, not with the module: the builds of the client and CLI alone (tests) need no aws-cdk-lib.
  const [{ App, Stack }, { HANDLER_FILES, PREBUILT_HANDLER_DIRS }, { PresignedUrlNonce }, { assetDirOf }] =
    await Promise.all([
      import('aws-cdk-lib'),
      import('../lib/functions.js'),
      import('../lib/presigned-url-nonce.js'),
      import('./lambda-assets.js'),
    ]);
  const assembly = join(outdir, '.lambda-build');
  const { context } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ outdir: assembly, context });
  // Assets are staged (and bundled) when the functions are constructed: no synthesis is needed.
  const links = new PresignedUrlNonce(new Stack(app, 'HandlerBundles'), 'Default');
  const dirs = {} as Record<HandlerName, string>;
  for (const name of Object.keys(HANDLER_FILES) as HandlerName[]) {
    const dir = join(outdir, PREBUILT_HANDLER_DIRS[name]);
    await mkdir(dirname(dir), { recursive: true });
    await rename(assetDirOf(links.functions[name].function, assembly), dir);
    dirs[name] = dir;
  }
  await rm(assembly, { recursive: true, force: true });
  return dirs;
};

export interface BuildOptions {
  /**
   * Relative to the repository root, or absolute. Keep it inside the repository: the bundles import
   * their dependencies from node_modules. @default 'dist'
   */
  readonly outdir?: string;
  /** Emit the .d.ts files too (tsc, a few seconds). @default true */
  readonly declarations?: boolean;
  /** Bundle the five handlers into lambda/ too (esbuild, a few seconds). @default true */
  readonly handlers?: boolean;
}

export const buildPackage = async (options: BuildOptions = {}): Promise<void> => {
  const outdir = resolve(REPO_ROOT, options.outdir ?? 'dist');
  const inside = relative(REPO_ROOT, outdir);
  // The folder is emptied first: never the repository itself or anything outside it.
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`The out dir must be a folder inside the repository, not ${outdir}.`);
  }
  await rm(outdir, { recursive: true, force: true });
  // tsc runs in a child process while the handlers are bundled here.
  const declarations =
    (options.declarations ?? true)
      ? promisify(execFile)(
          process.execPath,
          [
            join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
            '--project',
            join(REPO_ROOT, 'tsconfig.build.json'),
            '--outDir',
            join(outdir, TYPES_DIR),
          ],
          { cwd: REPO_ROOT },
        )
      : undefined;
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: PACKAGE_ENTRIES,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The dependencies are installed next to the bundle; bundling the AWS SDK would freeze its version, and
    // aws-cdk-lib and constructs must be the app's own copies (peer dependencies) for its constructs to mix.
    packages: 'external',
    // The construct in dist/cdk.js takes its handlers from dist/lambda/ (lib/functions.ts).
    define: { PRESIGNED_URL_NONCE_PREBUILT_HANDLERS: 'true' },
    logLevel: 'warning',
  });
  if (options.handlers ?? true) await buildHandlerBundles(outdir);
  await declarations;
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPackage();
}
