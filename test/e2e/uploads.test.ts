import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProducerClient } from '../../client/index.js';
import { buildPackage } from '../../scripts/build-package.js';
import { REPO_ROOT } from '../support/openapi.js';
import { type RunningLocal, startLocal } from './local-process.js';

/**
 * Upload links over HTTP against `npm start` (uploads on by default, under `incoming/`), with the built CLI
 * for the consumer, curl's way of sending a form for the refusals, and a second `npm start` with
 * `UPLOAD_KEY_PREFIX=off`.
 */

let local: RunningLocal;
let off: RunningLocal;
let scratch: string;
let cliPath: string;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cli = (args: readonly string[]): Promise<CliRun> =>
  new Promise((resolve) => {
    const env = { ...process.env, PRESIGNED_URL_NONCE_ENDPOINT: local.url };
    execFile(process.execPath, [cliPath, ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });

const mint = async (base: string, body: Record<string, unknown>) => {
  const response = await fetch(`${base}/generate-url`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};

/** The consumer's side, as `curl -F` does it: redeem, then the returned fields and the file, last. */
const redeemAndPost = async (accessUrl: string, file: Uint8Array, extra: Record<string, string> = {}) => {
  const grant = (await (await fetch(accessUrl, { method: 'POST' })).json()) as {
    upload: { url: string; fields: Record<string, string> };
  };
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...grant.upload.fields, ...extra })) form.append(name, value);
  form.append('file', new Blob([file]), 'file.bin');
  const response = await fetch(grant.upload.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
};

beforeAll(async () => {
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  scratch = await mkdtemp(join(cache, 'uploads-e2e-'));
  [local, off] = await Promise.all([
    startLocal(),
    startLocal({ UPLOAD_KEY_PREFIX: 'off' }),
    buildPackage({ outdir: join(scratch, 'dist'), declarations: false }),
  ]).then(([first, second]) => [first, second] as const);
  cliPath = join(scratch, 'dist/cli.js');
});

afterAll(async () => {
  await Promise.all([local?.stop(), off?.stop()]);
  await rm(scratch, { recursive: true, force: true });
});

describe('upload links against npm start', () => {
  it('mint → the CLI uploads the file → the producer mints a download for the key and gets the same bytes', async () => {
    const bytes = randomBytes(200_000);
    const file = join(scratch, 'report.bin');
    await writeFile(file, bytes);
    const producer = new ProducerClient({ endpoint: local.url });
    const upload = await producer.generate({ key: 'incoming/report.bin', operation: 'upload', maxBytes: 300_000 });
    expect(upload).toMatchObject({ operation: 'upload', maxBytes: 300_000 });
    // Not there yet: delivery is learned from the object.
    expect((await mint(local.url, { key: 'incoming/report.bin' })).status).toBe(404);

    const sent = await cli(['upload', upload.accessUrl, file, '--json']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ key: 'incoming/report.bin', bytes: 200_000 });

    const waited = await cli(['generate', '--key', 'incoming/report.bin', '--wait', '--timeout', '5', '--json']);
    expect(waited.code).toBe(0);
    const output = join(scratch, 'back.bin');
    const got = await cli(['redeem', JSON.parse(waited.stdout).accessUrl, '--output', output]);
    expect(got.code).toBe(0);
    expect(Buffer.compare(await readFile(output), bytes)).toBe(0);

    // The replay: the upload nonce is spent, exit 3 as for redeem, and nothing is sent.
    const replay = await cli(['upload', upload.accessUrl, file]);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toContain('nonce_invalid');
  });

  it('S3 (the emulator front) refuses a file over maxBytes, and a form that changes its pinned fields', async () => {
    const big = await mint(local.url, { key: 'incoming/big.bin', operation: 'upload', maxBytes: 1000 });
    const tooLarge = await redeemAndPost(big.body.accessUrl ?? '', randomBytes(5000));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.text).toContain('<Code>EntityTooLarge</Code>');

    const typed = await mint(local.url, {
      key: 'incoming/t.txt',
      operation: 'upload',
      maxBytes: 10,
      contentType: 'text/plain',
    });
    const retyped = await redeemAndPost(typed.body.accessUrl ?? '', Buffer.from('hi'), { 'Content-Type': 'text/html' });
    expect(retyped.status).toBe(403);
    expect(retyped.text).toContain('Policy Condition failed');

    for (const key of ['incoming/big.bin', 'incoming/t.txt']) {
      expect((await mint(local.url, { key })).status).toBe(404);
    }
  });

  it('answers 409 for a key that holds an object, 400 for a key outside the prefix, 400 uploads_disabled with uploads off', async () => {
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucketName, Key: 'incoming/taken', Body: 'x' }));
    expect(await mint(local.url, { key: 'incoming/taken', operation: 'upload', maxBytes: 10 })).toMatchObject({
      status: 409,
      body: { error: 'object_exists' },
    });
    expect(await mint(local.url, { key: 'elsewhere/x', operation: 'upload', maxBytes: 10 })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    expect(await mint(off.url, { key: 'incoming/x', operation: 'upload', maxBytes: 10 })).toMatchObject({
      status: 400,
      body: { error: 'uploads_disabled' },
    });
    expect(await local.scan()).toHaveLength(0);
  });
});
