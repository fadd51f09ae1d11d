import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDispositionFor } from '../../client/index.js';
import { capturedOutput, capturedRecords } from '../support/output.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/** Every nonce this file mints, to prove at the end that none reached a log line or the table. */
const minted: string[] = [];

describe('the nonce lifecycle on the real AWS SDK, against dynalite and s3rver', () => {
  let stack: TestStack;

  const mint = async (body: Record<string, unknown>) => {
    const response = await stack.mint(body);
    expect(response.statusCode).toBe(201);
    const issued = JSON.parse(response.body) as { nonce: string; nonceId: string; accessUrl: string };
    minted.push(issued.nonce);
    return issued;
  };

  beforeAll(async () => {
    stack = await startTestStack({ presignTtlSeconds: 45 });
  });

  afterAll(async () => {
    const output = capturedOutput();
    const items = JSON.stringify(await stack.scan());
    await stack.stop();
    expect(minted.length).toBeGreaterThan(10);
    expect(output).toContain('"nonceId"');
    for (const nonce of minted) {
      expect(output).not.toContain(nonce);
      expect(items).not.toContain(nonce);
    }
  });

  it('mints, authorizes, redeems, and the presigned URL serves the very bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    await stack.emulators.s3.send(
      new PutObjectCommand({ Bucket: stack.emulators.bucketName, Key: 'data/blob.bin', Body: bytes }),
    );
    const { nonce } = await mint({ key: 'data/blob.bin' });

    const redirect = await stack.redeem(nonce);
    expect(redirect.statusCode).toBe(302);
    const location = String(redirect.headers?.Location);
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('denies a second redemption with the same answer as an unknown nonce', async () => {
    const { nonce } = await mint({ key: 'hello.txt' });
    expect((await stack.redeem(nonce)).statusCode).toBe(302);
    const replay = await stack.redeem(nonce);
    const unknown = await stack.redeem('Z'.repeat(43));
    expect(replay.statusCode).toBe(403);
    expect(JSON.parse(replay.body)).toEqual({
      error: 'nonce_invalid',
      message: 'Access denied: the nonce is invalid, expired or already used, or the caller may not call this route.',
    });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.body).toBe(replay.body);
  });

  it('gives a maxUses = 3 nonce exactly three redemptions, then removes its item', async () => {
    const { nonce, nonceId } = await mint({ key: 'hello.txt', maxUses: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await stack.redeem(nonce)).statusCode);
    expect(statuses).toEqual([302, 302, 302, 403, 403]);
    expect(JSON.stringify(await stack.scan())).not.toContain(nonceId);
  });

  it.each([1, 2, 3])('round %i: 100 concurrent redemptions of a single-use nonce → exactly one success', async () => {
    const { nonce } = await mint({ key: 'hello.txt' });
    const responses = await Promise.all(Array.from({ length: 100 }, () => stack.redeem(nonce)));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 302)).toHaveLength(1);
    expect(statuses.filter((status) => status === 403)).toHaveLength(99);
    for (const response of responses.filter((r) => r.statusCode === 403)) {
      expect(JSON.parse(response.body).error).toBe('nonce_invalid');
    }
  });

  it('30 concurrent redemptions of a maxUses = 7 nonce → exactly seven successes', async () => {
    const { nonce } = await mint({ key: 'hello.txt', maxUses: 7 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => stack.redeem(nonce)));
    expect(responses.filter((response) => response.statusCode === 302)).toHaveLength(7);
  });

  it('refuses a nonce minted with expiresInSeconds 1 after 2 s although its item still exists', async () => {
    const { nonce, nonceId } = await mint({ key: 'hello.txt', expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const response = await stack.redeem(nonce);
    expect(response.statusCode).toBe(403);
    const items = await stack.scan();
    expect(items.some((item) => (item as { pk?: { S?: string } }).pk?.S === nonceId)).toBe(true);
  });

  it('presigns for at most PRESIGN_TTL_SECONDS, with the requested content disposition', async () => {
    const { nonce } = await mint({
      key: 'hello.txt',
      responseContentDisposition: 'attachment; filename="greeting.txt"',
    });
    const response = await stack.redeem(nonce, { Accept: 'application/json' });
    expect(response.statusCode).toBe(200);
    const { url, expiresAt } = JSON.parse(response.body) as { url: string; expiresAt: string };
    const presigned = new URL(url);
    expect(Number(presigned.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(stack.presignTtlSeconds);
    expect(presigned.searchParams.get('response-content-disposition')).toBe('attachment; filename="greeting.txt"');
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(stack.presignTtlSeconds * 1000);
    const fetched = await fetch(url);
    expect(fetched.headers.get('content-disposition')).toBe('attachment; filename="greeting.txt"');
  });

  it('carries a non-ASCII file name through S3 in filename*, as contentDispositionFor builds it', async () => {
    const disposition = contentDispositionFor('Résumé (final).pdf');
    const { nonce } = await mint({ key: 'hello.txt', responseContentDisposition: disposition });

    const redirect = await stack.redeem(nonce);
    const fetched = await fetch(String(redirect.headers?.Location));

    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-disposition')).toBe(disposition);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1] ?? '')).toBe('Résumé (final).pdf');
  });

  it('stores neither the nonce nor any URL in the table', async () => {
    const { nonce } = await mint({ key: 'hello.txt', maxUses: 2 });
    await stack.redeem(nonce);
    const items = JSON.stringify(await stack.scan());
    expect(items).not.toContain(nonce);
    expect(items).not.toMatch(/https?:\/\//);
    expect(items).not.toContain('X-Amz-Signature');
  });

  it('refuses to mint for a key that does not exist, writing nothing', async () => {
    const before = (await stack.scan()).length;
    const response = await stack.mint({ key: 'no/such/object.txt' });
    expect(response.statusCode).toBe(404);
    expect((await stack.scan()).length).toBe(before);
  });

  it('emits EMF metrics: NonceIssued, NonceRedeemed and NonceDenied with its reason', async () => {
    const { nonce } = await mint({ key: 'hello.txt' });
    await stack.redeem(nonce);
    await stack.redeem(nonce);
    await stack.redeem('short');
    const metricNames = capturedRecords()
      .filter((record) => '_aws' in record)
      .map((record) => {
        const name = Object.keys(record).find((key) => key.startsWith('Nonce'));
        return 'reason' in record ? `${name}:${String(record.reason)}` : name;
      });
    expect(metricNames).toEqual(
      expect.arrayContaining(['NonceIssued', 'NonceRedeemed', 'NonceDenied:unknown', 'NonceDenied:malformed']),
    );
  });
});
