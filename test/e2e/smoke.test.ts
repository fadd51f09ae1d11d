import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../cli/smoke/run-smoke.js';
import { buildPackage } from '../../scripts/build-package.js';
import { type BrokenApi, startBrokenApi } from '../support/broken-api.js';
import { REPO_ROOT } from '../support/openapi.js';
import { type RunningLocal, startLocal } from './local-process.js';

/**
 * `presigned-url-nonce smoke` as a user runs it after deploying: the built CLI in a child process,
 * against `npm start` (every check passes) and against a stand-in with two defects (exactly the checks
 * that see them fail).
 */

interface SmokeDocument {
  readonly endpoint: string;
  readonly key: string;
  readonly ok: boolean;
  readonly checks: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly detail: string }>;
  readonly summary: { readonly total: number; readonly passed: number; readonly failed: number };
}

const CHECK_NAMES = CHECKS.map(([name]) => name);
const BROKEN_CHECKS = ['concurrency', 'replay', 'error-bodies'];

let local: RunningLocal;
let broken: BrokenApi;
let scratch: string;
let cliPath: string;

const smoke = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PRESIGNED_URL_NONCE_ENDPOINT', 'PRESIGNED_URL_NONCE_PRINCIPAL']) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, 'smoke', ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
};

beforeAll(async () => {
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  scratch = await mkdtemp(join(cache, 'smoke-e2e-'));
  [local, broken] = await Promise.all([
    startLocal(),
    startBrokenApi(),
    buildPackage({ outdir: join(scratch, 'dist'), declarations: false, handlers: false }),
  ]);
  cliPath = join(scratch, 'dist/cli.js');
});

afterAll(async () => {
  await Promise.all([local?.stop(), broken?.close()]);
  await rm(scratch, { recursive: true, force: true });
});

describe('smoke against npm start', () => {
  it('--json: every check passes, exit 0, and nothing it minted is left in the table', async () => {
    const result = await smoke(['--endpoint', local.url, '--key', 'hello.txt', '--json']);

    expect(result.code, result.stdout + result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as SmokeDocument;
    expect(document).toMatchObject({ endpoint: local.url, key: 'hello.txt', ok: true });
    expect(document.checks.map((check) => check.name)).toEqual(CHECK_NAMES);
    expect(document.checks.filter((check) => !check.ok)).toEqual([]);
    expect(document.summary).toEqual({ total: CHECK_NAMES.length, passed: CHECK_NAMES.length, failed: 0 });
    expect(document.checks.find((check) => check.name === 'concurrency')?.detail).toMatch(
      /^1 of 100 succeeded, 99 refused 403$/,
    );
    // Used up or revoked: the table holds none of the four nonces.
    expect(await local.scan()).toEqual([]);
  });

  it('prints one PASS line per check and the summary for people', async () => {
    const result = await smoke(['--endpoint', local.url, '--key', 'hello.txt']);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((line) => /^PASS {2}(\S+) /.exec(line)?.[1])).toEqual(CHECK_NAMES);
    expect(lines.at(-1)).toBe(`ok: ${CHECK_NAMES.length} of ${CHECK_NAMES.length} checks passed against ${local.url}`);
  });
});

describe('smoke against a broken stand-in (replays allowed, a plain-text 401)', () => {
  it('--json: exit 1, and exactly the checks that see the defects fail', async () => {
    const result = await smoke(['--endpoint', broken.url, '--key', 'any/key.txt', '--json']);

    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as SmokeDocument;
    expect(document.ok).toBe(false);
    const failed = document.checks.filter((check) => !check.ok);
    expect(failed.map((check) => check.name)).toEqual(BROKEN_CHECKS);
    expect(document.summary).toEqual({
      total: CHECK_NAMES.length,
      passed: CHECK_NAMES.length - BROKEN_CHECKS.length,
      failed: BROKEN_CHECKS.length,
    });
    const detail = (name: string) => failed.find((check) => check.name === name)?.detail;
    expect(detail('replay')).toBe('answered 302, expected 403 nonce_invalid');
    expect(detail('concurrency')).toMatch(/^100 of 100 succeeded, 0 refused 403: expected exactly 1 success$/);
    expect(detail('error-bodies')).toContain('missing-nonce: GET /access-object → 401: Content-Type "text/plain"');
    // Cleanup revoked the nonces the stand-in never consumed.
    expect(broken.live()).toEqual([]);
  });

  it('prints FAIL lines naming those checks, and never a nonce', async () => {
    const result = await smoke(['--endpoint', broken.url, '--key', 'any/key.txt']);

    expect(result.code).toBe(1);
    const failing = [...result.stdout.matchAll(/^FAIL {2}(\S+) /gm)].map((match) => match[1]);
    expect(failing).toEqual(BROKEN_CHECKS);
    expect(result.stdout).toMatch(/^FAILED: 9 of 12 checks passed against /m);
    for (const nonce of broken.minted()) expect(result.stdout + result.stderr).not.toContain(nonce);
  });
});
