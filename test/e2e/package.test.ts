import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, PACKAGE_ENTRIES, TYPES_DIR } from '../../scripts/build-package.js';

/**
 * What `npm ci` leaves behind for code that runs without tsx: package.json's "exports" and "bin" name
 * files that `npm run build` (the "prepare" script) writes. The build goes to a scratch folder inside
 * node_modules (so the bundles find their dependencies), never to the dist/ a developer may be using.
 */

interface PackageJson {
  readonly name: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly scripts: Record<string, string>;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

let outdir: string;
let pkg: PackageJson;

beforeAll(async () => {
  pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  outdir = await mkdtemp(join(cache, 'package-build-'));
  await buildPackage({ outdir });
}, 60_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** A path from package.json ("./dist/client.js") as it lands in the scratch build. */
const built = (target: string): string => join(outdir, relative('dist', target.replace(/^\.\//, '')));

describe('package entry points', () => {
  it('runs the build on npm ci: "prepare" is the build', () => {
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.build).toContain('scripts/build-package.ts');
  });

  it('exports ./client (JS and types) and ./package.json, and the build writes exactly those files', async () => {
    const client = pkg.exports['./client'];
    expect(client).toEqual({ types: './dist/types/client/index.d.ts', default: './dist/client.js' });
    expect(pkg.exports['./package.json']).toBe('./package.json');
    if (typeof client !== 'object') throw new Error('exports["./client"] must be an object');

    expect((await stat(built(client.default ?? ''))).isFile()).toBe(true);
    expect(client.types).toBe(`./dist/${TYPES_DIR}/${PACKAGE_ENTRIES.client.replace(/\.ts$/, '.d.ts')}`);
    const types = await readFile(built(client.types ?? ''), 'utf8');
    expect(types).toContain('ProducerClient');
    expect(types).toContain('redeem');
  });

  it('the built client loads in plain Node (no tsx) and exports the client API', async () => {
    const script = `const m = await import(${JSON.stringify(built('./dist/client.js'))});
      console.log(JSON.stringify(Object.keys(m).sort()));`;

    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT });

    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining(['ApiError', 'ProducerClient', 'redeem', 'NetworkError', 'API_ERROR_CODES']),
    );
  });

  it('bin presigned-url-nonce is the built CLI: a node shebang, --help exits 0, a usage error exits 2', async () => {
    expect(pkg.bin).toEqual({ 'presigned-url-nonce': 'dist/cli.js' });
    const cli = built(`./${pkg.bin['presigned-url-nonce']}`);
    expect((await readFile(cli, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);

    const help = await run(process.execPath, [cli, 'status', '--help'], { cwd: REPO_ROOT });
    expect(help.stdout).toMatch(/^Usage: presigned-url-nonce status/);

    const usage = await run(process.execPath, [cli, 'status'], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--id is required');
  });
});
