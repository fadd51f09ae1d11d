import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, type RunningLocal, signalAndWait, spawnLocal, startLocal, survivors } from './local-process.js';

/**
 * Start, stop and restart: the process-level promises of `npm start`. One data folder, two runs in a
 * row on it (the second stays up for the port-in-use cases), each stopped by PID with a signal.
 */

const portOf = (url: string): string => new URL(url).port;

let dataDir: string;
let second: RunningLocal | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'presigned-url-nonce-e2e-'));
});

afterAll(async () => {
  await second?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start: lifecycle', () => {
  const bytes = randomBytes(4096);
  let nonce: string;

  it('exits 0 within 2 s of SIGTERM, leaving no process of its own behind', async () => {
    const first = await startLocal({ LOCAL_DATA_DIR: dataDir });
    await first.s3.send(new PutObjectCommand({ Bucket: first.bucketName, Key: 'kept.bin', Body: bytes }));
    const minted = await fetch(`${first.url}/generate-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'kept.bin', maxUses: 2 }),
    });
    expect(minted.status).toBe(201);
    nonce = ((await minted.json()) as { nonce: string }).nonce;
    // One use taken before the restart: the count must survive it too.
    expect((await fetch(`${first.url}/access-object?nonce=${nonce}`, { redirect: 'manual' })).status).toBe(302);

    const children = childPids(first.pid);
    const exit = await first.stop('SIGTERM');

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(2_000);
    expect(await survivors(children, 2_000 - exit.ms)).toEqual([]);
    expect(first.stdout().match(/^ready: /gm)).toHaveLength(1);
  });

  it('keeps the table and the bucket in LOCAL_DATA_DIR across the restart', async () => {
    second = await startLocal({ LOCAL_DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://files.example.test:8080/' });

    const redirect = await fetch(`${second.url}/access-object?nonce=${nonce}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const object = await fetch(redirect.headers.get('location') ?? '');
    expect(Buffer.from(await object.arrayBuffer()).equals(bytes)).toBe(true);
    // The second and last use was the one above.
    expect((await fetch(`${second.url}/access-object?nonce=${nonce}`, { redirect: 'manual' })).status).toBe(403);
  });

  it('builds accessUrl from PUBLIC_BASE_URL, as the stack does, and says so at start-up', async () => {
    if (second === undefined) throw new Error('the restarted stack is not running');
    const minted = await fetch(`${second.url}/generate-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'kept.bin' }),
    });
    const { accessUrl, nonce } = (await minted.json()) as { accessUrl: string; nonce: string };
    expect(accessUrl).toBe(`http://files.example.test:8080/access-object?nonce=${nonce}`);
    expect(second.stdout()).toContain('accessUrl: http://files.example.test:8080/access-object?nonce=…');
    expect(second.stderr()).toContain('GET /nonces/{nonceId} and DELETE /nonces/{nonceId} are NOT authenticated');
  });

  // Concurrent: each is a short-lived process that must fail on its own, before loading anything heavy.
  const clashes: [string, (running: RunningLocal) => string][] = [
    ['PORT', (running) => portOf(running.url)],
    ['DYNAMODB_PORT', (running) => portOf(running.dynamoDbEndpoint)],
    ['S3_PORT', (running) => portOf(running.s3Endpoint)],
  ];
  it.concurrent.for(clashes)(
    'exits 1 with one line naming %s when that port is in use',
    async ([variable, portFrom], { expect }) => {
      if (second === undefined) throw new Error('the restarted stack is not running');
      const port = portFrom(second);
      const clash = spawnLocal({ [variable]: port });

      const exit = await clash.exited;

      expect(exit.code).toBe(1);
      expect(exit.ms).toBeLessThan(10_000);
      const lines = clash.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `error: port ${port} on 127.0.0.1 is already in use; set ${variable} to a free port (or ${variable}=0 for any free port).`,
      );
      expect(clash.stdout()).not.toMatch(/^ready:/m);
    },
  );

  // Each once passed silently (LOUD logged at INFO), failed with a raw ENOTDIR, or hung (/proc).
  const badSettings: [string, string, RegExp][] = [
    [
      'POWERTOOLS_LOG_LEVEL',
      'LOUD',
      /^error: Environment variable POWERTOOLS_LOG_LEVEL must be one of .*, got "LOUD"\.$/,
    ],
    ['LOCAL_DATA_DIR', '/etc/passwd', /^error: Environment variable LOCAL_DATA_DIR is not a directory/],
    [
      'LOCAL_DATA_DIR',
      '/proc/presigned-url-nonce-e2e',
      /^error: Environment variable LOCAL_DATA_DIR cannot be created/,
    ],
    ['PRESIGN_TTL_SECONDS', '5', /^error: Environment variable PRESIGN_TTL_SECONDS must be from 10 to 300, got 5\.$/],
  ];
  it.concurrent.for(badSettings)(
    'exits 1 with one line naming %s=%s, before it serves',
    async ([variable, value, message], { expect }) => {
      const bad = spawnLocal({ [variable]: value });

      // A process that hangs fails the test rather than outliving it.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<undefined>((done) => {
        timer = setTimeout(() => done(undefined), 20_000);
      });
      const exit = await Promise.race([bad.exited, hung]);
      clearTimeout(timer);
      if (exit === undefined) await signalAndWait(bad, 'SIGKILL');

      expect(exit?.code).toBe(1);
      expect(bad.stderr().trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(bad.stdout()).not.toMatch(/^ready:/m);
    },
  );

  // Nothing can run in a process killed with SIGKILL: its children must notice by themselves. On
  // LOCAL_DYNAMODB=dynamodb-local (npm run test:dynamodb-local, where java is installed) that is the JVM.
  it('leaves no child process behind when it is killed with SIGKILL', async () => {
    const killed = await startLocal();
    const children = childPids(killed.pid);
    if (process.env.LOCAL_DYNAMODB === 'dynamodb-local') {
      expect([...children.values()].some((command) => command.includes('DynamoDBLocal.jar'))).toBe(true);
    }

    const exit = await killed.stop('SIGKILL');

    expect(exit.signal).toBe('SIGKILL');
    expect(await survivors(children, 5_000)).toEqual([]);
  });

  it('exits 0 within 2 s of SIGINT too', async () => {
    if (second === undefined) throw new Error('the restarted stack is not running');
    const children = childPids(second.pid);
    const exit = await second.stop('SIGINT');
    second = undefined;

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(2_000);
    expect(await survivors(children, 2_000 - exit.ms)).toEqual([]);
  });
});
