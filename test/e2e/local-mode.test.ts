import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { type RunningLocal, startLocal } from './local-process.js';

/** One local stack for the whole file: started once, as `npm start` runs it, stopped by PID. */
let local: RunningLocal;

/** One scoped role: local mode reads PRODUCER_KEY_PREFIXES as GenerateURL does on AWS; "*" leaves others free. */
const SCOPED_ROLE = 'arn:aws:sts::111122223333:assumed-role/scoped';

beforeAll(async () => {
  local = await startLocal({
    PRESIGN_TTL_SECONDS: '30',
    PRODUCER_KEY_PREFIXES: JSON.stringify({ [SCOPED_ROLE]: 'scoped/', '*': '' }),
  });
});

afterAll(async () => {
  await local?.stop();
});

interface Minted {
  readonly nonce: string;
  readonly nonceId: string;
  readonly accessUrl: string;
  readonly expiresAt: string;
  readonly maxUses: number;
}

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${local.url}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

const mint = async (key: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
  const response = await post('/generate-url', JSON.stringify({ key, ...extra }), headers);
  expect(response.status).toBe(201);
  return (await response.json()) as Minted;
};

const upload = async (key: string, body: Uint8Array) => {
  await local.s3.send(new PutObjectCommand({ Bucket: local.bucketName, Key: key, Body: body }));
};

const redeem = (nonce: string, init: RequestInit = {}) =>
  fetch(`${local.url}/access-object?nonce=${encodeURIComponent(nonce)}`, { redirect: 'manual', ...init });

const expectErrorShape = async (response: Response, status: number, error?: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  expect(typeof body.message).toBe('string');
  if (error !== undefined) expect(body.error).toBe(error);
  return body;
};

describe('local mode over HTTP: the producer → consumer flow', () => {
  it('mints a nonce whose accessUrl points at this server, redirects once to the object, bytes intact', async () => {
    const bytes = randomBytes(64 * 1024);
    await upload('flow/random.bin', bytes);

    const minted = await mint('flow/random.bin');
    expect(minted.accessUrl).toBe(`${local.url}/access-object?nonce=${minted.nonce}`);
    expect(minted.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const redirect = await fetch(minted.accessUrl, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    expect(redirect.headers.get('referrer-policy')).toBe('no-referrer');
    expect(redirect.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await redirect.text()).not.toContain('X-Amz-Signature');
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${local.s3Endpoint}/${local.bucketName}/flow/random.bin?`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('30');

    const object = await fetch(location);
    expect(object.status).toBe(200);
    expect(Buffer.from(await object.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses the second redemption with 403 nonce_invalid', async () => {
    const { nonce } = await mint('hello.txt');
    expect((await redeem(nonce)).status).toBe(302);
    await expectErrorShape(await redeem(nonce), 403, 'nonce_invalid');
  });

  it('answers 401 unauthorized without a nonce or with an empty one', async () => {
    await expectErrorShape(await fetch(`${local.url}/access-object`), 401, 'unauthorized');
    await expectErrorShape(await fetch(`${local.url}/access-object?nonce=`), 401, 'unauthorized');
  });

  it('lets exactly one of 50 parallel GETs of one nonce through', async () => {
    const { nonce, nonceId } = await mint('hello.txt');
    const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(nonce)));
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.body?.cancel()));
    expect(statuses.filter((status) => status === 302)).toHaveLength(1);
    expect(statuses.filter((status) => status === 403)).toHaveLength(49);
    expect((await local.scan()).some((item) => (item.pk as { S: string }).S === nonceId)).toBe(false);
  });

  it('lets exactly maxUses of 20 parallel GETs through a multi-use nonce', async () => {
    const { nonce } = await mint('hello.txt', { maxUses: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await redeem(nonce);
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 302)).toHaveLength(3);
    expect(statuses.filter((status) => status === 403)).toHaveLength(17);
  });

  it('never consumes on HEAD: API Gateway has no HEAD method there and answers 403 itself', async () => {
    const { nonce } = await mint('hello.txt');
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await redeem(nonce, { method: 'HEAD' });
      expect(head.status).toBe(403);
      expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect((await redeem(nonce)).status).toBe(302);
  });

  it('answers 200 {url, expiresAt} instead of the redirect when the client accepts JSON first', async () => {
    const { nonce } = await mint('hello.txt');
    const before = Date.now();
    const response = await redeem(nonce, { headers: { Accept: 'application/json, text/html;q=0.5' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { url: string; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'url']);
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThan(before);
    expect(expiresAt).toBeLessThanOrEqual(before + 31_000);
    const object = await fetch(body.url);
    expect(await object.text()).toBe('Hello from presigned-url-nonce local mode!\n');
    // It was a redemption all the same.
    await expectErrorShape(await redeem(nonce), 403, 'nonce_invalid');
  });

  it('records the x-local-principal header as the creator, `local` without it', async () => {
    const named = await mint('hello.txt', {}, { 'x-local-principal': 'arn:aws:iam::111122223333:role/producer' });
    const anonymous = await mint('hello.txt');
    const items = await local.scan();
    const creatorOf = (nonceId: string) =>
      (items.find((item) => (item.pk as { S: string }).S === nonceId)?.createdBy as { S: string } | undefined)?.S;
    expect(creatorOf(named.nonceId)).toBe('arn:aws:iam::111122223333:role/producer');
    expect(creatorOf(anonymous.nonceId)).toBe('local');
  });

  it('applies PRODUCER_KEY_PREFIXES to x-local-principal, normalised: 403 key_not_allowed, nothing written', async () => {
    const before = (await local.scan()).length;
    const refused = await post('/generate-url', JSON.stringify({ key: 'hello.txt' }), {
      'x-local-principal': `${SCOPED_ROLE}/session-1`,
    });
    await expectErrorShape(refused, 403, 'key_not_allowed');
    expect((await local.scan()).length).toBe(before);

    await upload('scoped/file.txt', new TextEncoder().encode('scoped'));
    await mint('scoped/file.txt', {}, { 'x-local-principal': `${SCOPED_ROLE}/session-2` });
  });

  it('answers unknown routes and methods with 403 missing_authentication_token', async () => {
    const cases: [string, string][] = [
      ['GET', '/'],
      ['GET', '/generate-url'],
      ['OPTIONS', '/generate-url'],
      ['PUT', '/access-object?nonce=x'],
      ['DELETE', '/access-object'],
      ['PATCH', '/access-object?nonce=x'],
      ['GET', '/Access-Object'],
      ['GET', '/access-object/extra'],
    ];
    for (const [method, path] of cases) {
      await expectErrorShape(await fetch(`${local.url}${path}`, { method }), 403, 'missing_authentication_token');
    }
  });
});

describe('local mode over HTTP: bad input', () => {
  const key = 'hello.txt';
  const json = (value: unknown) => JSON.stringify(value);
  /** [what, body, content type, expected status, expected error code] */
  const badMints: [string, string | Uint8Array, string | undefined, number, string][] = [
    ['empty body', '', 'application/json', 400, 'invalid_json'],
    ['not JSON', '{"key":', 'application/json', 400, 'invalid_json'],
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x7b]), 'application/json', 400, 'invalid_json'],
    ['a JSON array', json([key]), 'application/json', 400, 'invalid_request'],
    ['JSON null', 'null', 'application/json', 400, 'invalid_request'],
    ['a JSON string', json(key), 'application/json', 400, 'invalid_request'],
    ['no key', json({}), 'application/json', 400, 'invalid_request'],
    ['an empty key', json({ key: '' }), 'application/json', 400, 'invalid_request'],
    ['a numeric key', json({ key: 42 }), 'application/json', 400, 'invalid_request'],
    ['a key with a control character', json({ key: 'a\u0000b' }), 'application/json', 400, 'invalid_request'],
    ['a key over 1024 bytes', json({ key: 'é'.repeat(513) }), 'application/json', 400, 'invalid_request'],
    ['a key that does not exist', json({ key: 'no/such/object' }), 'application/json', 404, 'object_not_found'],
    ['an unknown field', json({ key, bucket: 'other' }), 'application/json', 400, 'invalid_request'],
    ['maxUses null', json({ key, maxUses: null }), 'application/json', 400, 'invalid_request'],
    ['maxUses 0', json({ key, maxUses: 0 }), 'application/json', 400, 'invalid_request'],
    ['maxUses over the limit', json({ key, maxUses: 101 }), 'application/json', 400, 'invalid_request'],
    ['maxUses fractional', json({ key, maxUses: 1.5 }), 'application/json', 400, 'invalid_request'],
    ['expiresInSeconds 0', json({ key, expiresInSeconds: 0 }), 'application/json', 400, 'invalid_request'],
    ['expiresInSeconds too long', json({ key, expiresInSeconds: 604_801 }), 'application/json', 400, 'invalid_request'],
    ['expiresInSeconds a string', json({ key, expiresInSeconds: '60' }), 'application/json', 400, 'invalid_request'],
    [
      'a long responseContentDisposition',
      json({ key, responseContentDisposition: 'a'.repeat(513) }),
      'application/json',
      400,
      'invalid_request',
    ],
    ['a body over 8 KiB', json({ key, pad: 'x'.repeat(9000) }), 'application/json', 413, 'payload_too_large'],
    ['a body over 10 MB', new Uint8Array(10 * 1024 * 1024 + 1), 'application/json', 413, 'payload_too_large'],
    ['text/plain', json({ key }), 'text/plain', 415, 'unsupported_media_type'],
    ['application/xml', '<key>hello.txt</key>', 'application/xml', 415, 'unsupported_media_type'],
    // A string body would get text/plain from fetch; bytes go without a Content-Type.
    ['no content type', new TextEncoder().encode(json({ key })), undefined, 415, 'unsupported_media_type'],
  ];
  const badRedemptions: [string, string, number, string][] = [
    ['a short nonce', '?nonce=abc', 403, 'nonce_invalid'],
    ['a nonce with a bad character', `?nonce=${'a'.repeat(42)}*`, 403, 'nonce_invalid'],
    ['an unknown nonce', `?nonce=${'A'.repeat(43)}`, 403, 'nonce_invalid'],
    ['a repeated nonce', `?nonce=${'A'.repeat(43)}&nonce=${'B'.repeat(43)}`, 403, 'nonce_invalid'],
    ['another parameter only', '?key=hello.txt', 401, 'unauthorized'],
  ];

  let itemsBefore: number;
  beforeAll(async () => {
    itemsBefore = (await local.scan()).length;
  });

  it.each(badMints)('POST /generate-url with %s → a 4xx JSON error', async (_, body, contentType, status, error) => {
    const headers: Record<string, string> = contentType === undefined ? {} : { 'Content-Type': contentType };
    const response = await fetch(`${local.url}/generate-url`, { method: 'POST', body, headers });
    await expectErrorShape(response, status, error);
  });

  it.each(badRedemptions)('GET /access-object with %s → a 4xx JSON error', async (_, query, status, error) => {
    await expectErrorShape(await fetch(`${local.url}/access-object${query}`, { redirect: 'manual' }), status, error);
  });

  it('refuses a body over 10 MB before it is sent when the client expects 100-continue', async () => {
    const outcome = await new Promise<{ status: number | undefined; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const request = httpRequest(`${local.url}/generate-url`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': 11 * 1024 * 1024, Expect: '100-continue' },
      });
      request.on('continue', () => {
        continued = true;
      });
      request.on('response', (response) => {
        response.resume();
        resolve({ status: response.statusCode, continued });
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(outcome).toEqual({ status: 413, continued: false });
  });

  it.each([
    [
      'a head over 16 KiB',
      `GET /access-object?nonce=${'A'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
      'request_header_fields_too_large',
    ],
    ['a bad method token', 'G@T /access-object HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
    ['a malformed request line', 'GET /access-object HTTP/9.9\r\nHost: x\r\n\r\n', 400, 'bad_request'],
  ])('answers %s, which the HTTP parser refuses, in the JSON shape and closes', async (_, request, status, error) => {
    const answer = await rawRequest(local.url, request);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error, message: expect.any(String) });
  });

  it('wrote no item for any of them', async () => {
    expect(badMints.length + badRedemptions.length).toBeGreaterThanOrEqual(20);
    expect(await local.scan()).toHaveLength(itemsBefore);
  });

  it('still serves afterwards', async () => {
    const { nonce } = await mint('hello.txt');
    const redirect = await redeem(nonce);
    expect(redirect.status).toBe(302);
    expect(await (await fetch(redirect.headers.get('location') ?? '')).text()).toBe(
      'Hello from presigned-url-nonce local mode!\n',
    );
  });
});
