import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type GeneratedNonce, type NonceStatus, ProducerClient, redeem } from '../../client/index.js';
import { buildPackage } from '../../scripts/build-package.js';
import { loadOpenApi, type OpenApiDocument, REPO_ROOT } from '../support/openapi.js';
import { type RunningLocal, startLocal } from './local-process.js';

/**
 * The producer toolkit against `npm start`: one local-mode child for the whole file, driven through the
 * client (in-process) and the built CLI (child processes of the bundle `npm ci` builds).
 */

const SMALL_KEY = 'toolkit/note.txt';
const SMALL_BODY = 'a note for one reader\n';
const LARGE_KEY = 'toolkit/large.bin';
const LARGE_BODY = randomBytes(2 * 1024 * 1024 + 123);
const ALICE = 'arn:aws:iam::111122223333:role/alice';
const BOB = 'arn:aws:iam::111122223333:role/bob';

let local: RunningLocal;
let scratch: string;
let cliPath: string;
let openapi: OpenApiDocument;

const client = (principal?: string) =>
  new ProducerClient({ endpoint: local.url, ...(principal === undefined ? {} : { localPrincipal: principal }) });

/** The rejection of a promise that must reject. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI, as `presigned-url-nonce` runs after npm ci; PRESIGNED_URL_NONCE_* only when given. */
const cli = async (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> => {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['PRESIGNED_URL_NONCE_ENDPOINT', 'PRESIGNED_URL_NONCE_PRINCIPAL']) {
    if (!(name in env)) delete childEnv[name];
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: childEnv, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
};

const propertiesOf = (schema: string): string[] =>
  Object.keys(openapi.components.schemas[schema]?.properties ?? {}).sort();

beforeAll(async () => {
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  scratch = await mkdtemp(join(cache, 'toolkit-e2e-'));
  // The CLI bundle from the current sources (no declarations: only the JS is run here).
  const [started, , document] = await Promise.all([
    startLocal(),
    buildPackage({ outdir: join(scratch, 'dist'), declarations: false, handlers: false }),
    loadOpenApi(),
  ]);
  local = started;
  openapi = document;
  cliPath = join(scratch, 'dist/cli.js');
  await local.s3.send(new PutObjectCommand({ Bucket: local.bucketName, Key: SMALL_KEY, Body: SMALL_BODY }));
  await local.s3.send(new PutObjectCommand({ Bucket: local.bucketName, Key: LARGE_KEY, Body: LARGE_BODY }));
});

afterAll(async () => {
  await local?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('the client against local mode', () => {
  it('generate → status shows usesLeft → redeem → status 404 after the last use', async () => {
    const producer = client();
    const generated = await producer.generate({ key: SMALL_KEY, maxUses: 2 });
    expect(generated.accessUrl).toBe(`${local.url}/access-object?nonce=${generated.nonce}`);

    expect(await producer.status(generated.nonceId)).toMatchObject({ key: SMALL_KEY, maxUses: 2, usesLeft: 2 });

    const bytes = await redeem(generated.accessUrl, { as: 'bytes' });
    expect(Buffer.from(bytes.body).toString('utf8')).toBe(SMALL_BODY);
    expect((await producer.status(generated.nonceId)).usesLeft).toBe(1);

    const url = await redeem(generated.accessUrl, { as: 'url' });
    expect(url.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await (await fetch(url.url)).text()).toBe(SMALL_BODY);

    expect(await rejection(producer.status(generated.nonceId))).toMatchObject({ status: 404, code: 'not_found' });
    const spent = await rejection(redeem(generated.accessUrl, { as: 'bytes' }));
    expect(spent).toBeInstanceOf(ApiError);
    expect(spent).toMatchObject({ status: 403, code: 'nonce_invalid' });
  });

  it('streams a large object', async () => {
    const { accessUrl } = await client().generate({ key: LARGE_KEY });

    const object = await redeem(accessUrl, { as: 'stream' });

    expect(object.contentLength).toBe(LARGE_BODY.length);
    expect(Buffer.from(await new Response(object.body).arrayBuffer()).equals(LARGE_BODY)).toBe(true);
  });

  it('revoke → redeem 403; a second revoke is 404', async () => {
    const producer = client();
    const { accessUrl, nonceId } = await producer.generate({ key: SMALL_KEY, maxUses: 5 });

    await producer.revoke(nonceId);

    expect(await rejection(redeem(accessUrl, { as: 'url' }))).toMatchObject({ status: 403, code: 'nonce_invalid' });
    expect(await rejection(producer.revoke(nonceId))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it("answers 404 to another principal's status and revoke, and changes nothing", async () => {
    const alice = client(ALICE);
    const { accessUrl, nonceId } = await alice.generate({ key: SMALL_KEY, maxUses: 3 });

    for (const other of [client(BOB), client()]) {
      expect(await rejection(other.status(nonceId))).toMatchObject({ status: 404, code: 'not_found' });
      expect(await rejection(other.revoke(nonceId))).toMatchObject({ status: 404, code: 'not_found' });
    }

    expect((await alice.status(nonceId)).usesLeft).toBe(3);
    await expect(redeem(accessUrl, { as: 'url' })).resolves.toMatchObject({ url: expect.any(String) });
  });

  it('owns by role, not session: another session of the role reads and revokes, another role cannot', async () => {
    const role = 'arn:aws:sts::111122223333:assumed-role/toolkit-producer';
    const { accessUrl, nonceId } = await client(`${role}/ecs-task-1`).generate({ key: SMALL_KEY, maxUses: 2 });
    const items = await local.scan();
    expect(items.find((item) => (item.pk as { S: string }).S === nonceId)?.createdBy).toEqual({ S: role });

    const otherRole = client('arn:aws:sts::111122223333:assumed-role/toolkit-producer-2/ecs-task-1');
    expect(await rejection(otherRole.status(nonceId))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await rejection(otherRole.revoke(nonceId))).toMatchObject({ status: 404, code: 'not_found' });

    const sibling = client(`${role}/ecs-task-2`);
    expect((await sibling.status(nonceId)).usesLeft).toBe(2);
    await sibling.revoke(nonceId);
    expect(await rejection(redeem(accessUrl, { as: 'url' }))).toMatchObject({ status: 403, code: 'nonce_invalid' });
  });

  it('answers a malformed id with 400 invalid_request and a wrong method with a 4xx JSON body, changing nothing', async () => {
    const producer = client();
    const { nonceId } = await producer.generate({ key: SMALL_KEY, maxUses: 2 });

    for (const bad of ['short', `${nonceId}x`, `${nonceId.slice(0, 42)}*`, `${nonceId.slice(0, 42)}=`]) {
      expect(await rejection(producer.status(bad)), bad).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(await rejection(producer.revoke(bad)), bad).toMatchObject({ status: 400, code: 'invalid_request' });
    }
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const response = await fetch(`${local.url}/nonces/${nonceId}`, { method, redirect: 'manual' });
      expect(response.status, method).toBeGreaterThanOrEqual(400);
      expect(response.status, method).toBeLessThan(500);
      expect(response.headers.get('content-type'), method).toMatch(/^application\/json/);
      expect(Object.keys((await response.json()) as object).sort(), method).toEqual(['error', 'message']);
    }
    const listing = await fetch(`${local.url}/nonces`);
    expect(listing.status).toBe(403);
    expect(((await listing.json()) as { error: string }).error).toBe('missing_authentication_token');

    expect(await producer.status(nonceId)).toMatchObject({ usesLeft: 2, maxUses: 2 });
  });

  it('answers with exactly the fields docs/openapi.yaml describes', async () => {
    const post = await fetch(`${local.url}/generate-url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: SMALL_KEY }),
    });
    const generated = (await post.json()) as Record<string, unknown> & { nonceId: string; nonce: string };
    expect(post.status).toBe(201);
    expect(Object.keys(generated).sort()).toEqual(propertiesOf('GeneratedDownload'));

    const status = (await (await fetch(`${local.url}/nonces/${generated.nonceId}`)).json()) as object;
    expect(Object.keys(status).sort()).toEqual(propertiesOf('DownloadNonceStatus'));

    const redeemed = await fetch(`${local.url}/access-object?nonce=${generated.nonce}`, {
      headers: { accept: 'application/json' },
    });
    expect(Object.keys((await redeemed.json()) as object).sort()).toEqual(propertiesOf('RedeemedUrl'));

    const missing = await fetch(`${local.url}/nonces/${generated.nonceId}`);
    expect(missing.status).toBe(404);
    expect(Object.keys((await missing.json()) as object).sort()).toEqual(propertiesOf('Error'));
  });
});

// Concurrent: each test mints its own nonces, and the time goes to starting CLI processes. The ids are
// random: one in 64 starts with "-", which the CLI once refused as an ambiguous option value (exit 2, no
// output, one run in about fifteen); test/unit/cli/cli.test.ts pins that case without chance.
describe.concurrent('the CLI against local mode', () => {
  it('generate --json → status --json → redeem --output → status exits 3 after the last use', async () => {
    const generate = await cli(['generate', '--endpoint', local.url, '--key', LARGE_KEY, '--max-uses', '1', '--json']);
    expect(generate.code).toBe(0);
    const generated = JSON.parse(generate.stdout) as GeneratedNonce & { expiresAt: string };
    expect(generated).toMatchObject({ maxUses: 1, accessUrl: expect.stringContaining('/access-object?nonce=') });
    expect(Date.parse(generated.expiresAt)).toBeGreaterThan(Date.now());

    const status = await cli(['status', '--endpoint', local.url, '--id', generated.nonceId, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout) as NonceStatus).toMatchObject({ key: LARGE_KEY, usesLeft: 1, maxUses: 1 });

    const output = join(scratch, 'large.bin');
    const download = await cli(['redeem', generated.accessUrl, '--output', output]);
    expect(download.code).toBe(0);
    expect((await readFile(output)).equals(LARGE_BODY)).toBe(true);
    expect(download.stderr).toContain('saved 2.0 MiB');

    const after = await cli(['status', '--endpoint', local.url, '--id', generated.nonceId, '--json']);
    expect(after.code).toBe(3);
    expect(JSON.parse(after.stdout)).toMatchObject({ error: 'not_found', status: 404 });

    const again = await cli(['redeem', generated.accessUrl]);
    expect(again.code).toBe(3);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('nonce_invalid');
  });

  it('human output by default; revoke exits 0, then redeem exits 3', async () => {
    const generate = await cli(['generate', '--key', SMALL_KEY, '--max-uses', '4'], {
      PRESIGNED_URL_NONCE_ENDPOINT: local.url,
    });
    expect(generate.code).toBe(0);
    const accessUrl = /^accessUrl\s+(\S+)$/m.exec(generate.stdout)?.[1] ?? '';
    const nonceId = /^nonceId\s+(\S+)$/m.exec(generate.stdout)?.[1] ?? '';
    expect(nonceId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const status = await cli(['status', '--endpoint', local.url, '--id', nonceId]);
    expect(status.stdout, `exit ${status.code}: ${status.stderr}`).toMatch(/^usesLeft\s+4 of 4$/m);

    const printed = await cli(['redeem', accessUrl]);
    expect(printed).toMatchObject({ code: 0, stdout: SMALL_BODY });

    const revoke = await cli(['revoke', '--endpoint', local.url, '--id', nonceId]);
    expect(revoke).toMatchObject({ code: 0, stdout: `revoked ${nonceId}\n` });
    expect((await cli(['redeem', accessUrl, '--url'])).code).toBe(3);
    expect((await cli(['revoke', '--endpoint', local.url, '--id', nonceId])).code).toBe(3);
  });

  it("another principal's status and revoke exit 3; the creator's still work", async () => {
    const asAlice = { PRESIGNED_URL_NONCE_PRINCIPAL: ALICE };
    const generate = await cli(['generate', '--endpoint', local.url, '--key', SMALL_KEY, '--json'], asAlice);
    const { nonceId } = JSON.parse(generate.stdout) as GeneratedNonce;

    for (const args of [
      ['status', '--endpoint', local.url, '--id', nonceId, '--principal', BOB],
      ['revoke', '--endpoint', local.url, '--id', nonceId, '--principal', BOB],
      ['status', '--endpoint', local.url, '--id', nonceId],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toContain('(not_found, HTTP 404)');
    }
    expect((await cli(['status', '--endpoint', local.url, '--id', nonceId], asAlice)).code).toBe(0);
  });

  it('exits 1 for a request the API refuses, 2 for a bad command line, 4 when nothing answers', async () => {
    const badId = await cli(['status', '--endpoint', local.url, '--id', 'not-an-id', '--json']);
    expect(badId.code).toBe(1);
    expect(JSON.parse(badId.stdout)).toMatchObject({ error: 'invalid_request', status: 400 });

    const missingKey = await cli(['generate', '--endpoint', local.url, '--key', 'no/such/object', '--json']);
    expect(missingKey.code).toBe(3);
    expect(JSON.parse(missingKey.stdout)).toMatchObject({ error: 'object_not_found', status: 404 });

    expect((await cli(['generate', '--endpoint', local.url])).code).toBe(2);

    // A port that was free a moment ago: connection refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const refused = await cli(['status', '--endpoint', `http://127.0.0.1:${port}`, '--id', 'x'.repeat(43)]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('ECONNREFUSED');
  });
});
