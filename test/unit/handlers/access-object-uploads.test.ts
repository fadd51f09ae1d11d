import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../lambda/core/errors.js';
import type { ObjectUploadPresigner, PresignPostRequest } from '../../../lambda/core/ports.js';
import { makeAccessObjectHandler } from '../../../lambda/handlers/access-object.js';
import { buildProxyEvent } from '../../../local/events.js';
import {
  FakeObjectStore,
  InMemoryNonceStore,
  manualClock,
  recordingLog,
  recordingMetrics,
} from '../../support/fakes.js';
import { accessRequest, gatewayRequest } from '../../support/requests.js';

const clock = manualClock();
const nowSeconds = Math.floor(clock() / 1000);
const nonceId = 'u'.repeat(43);
const record = {
  nonceId,
  key: 'incoming/a.pdf',
  expiresAt: nowSeconds + 60,
  maxUses: 1,
  usesLeft: 1,
  createdAt: nowSeconds,
  createdBy: 'local',
  upload: { maxBytes: 100, contentType: 'application/pdf' },
};
// The authorizer context as API Gateway hands it over: every value stringified.
const context = {
  nonceId,
  key: record.key,
  maxUses: '1',
  expiresAt: String(record.expiresAt),
  usesLeft: '1',
  confirm: 'false',
  operation: 'upload',
  maxBytes: '100',
  contentType: 'application/pdf',
  principalId: nonceId,
};

class RecordingUploads implements ObjectUploadPresigner {
  readonly requests: PresignPostRequest[] = [];
  failure: Error | undefined;
  async presignPost(request: PresignPostRequest) {
    if (this.failure) throw this.failure;
    this.requests.push(request);
    return {
      url: 'https://bucket.example/',
      fields: { key: request.key, Policy: 'e30=' },
      expiresAtMs: clock() + 60_000,
    };
  }
}

const setUp = (uploadKeyPrefix: string | null = 'incoming/') => {
  const nonces = new InMemoryNonceStore();
  nonces.items.set(nonceId, record);
  const uploads = new RecordingUploads();
  let built = 0;
  const handler = makeAccessObjectHandler({
    nonces,
    objects: new FakeObjectStore(),
    clock,
    presignTtlSeconds: 60,
    log: recordingLog(),
    metrics: recordingMetrics(),
    uploads: async () => {
      built += 1;
      return uploads;
    },
    ...(uploadKeyPrefix === null ? {} : { uploadKeyPrefix }),
  });
  return { nonces, uploads, handler, built: () => built };
};

const post = (accept?: string) =>
  gatewayRequest({
    method: 'POST',
    path: '/access-object',
    query: [['nonce', 'x']],
    headers: accept === undefined ? {} : { Accept: accept },
  });

describe('AccessObject: upload nonces', () => {
  it.each([
    ['GET, asking for a redirect', accessRequest('x', { Accept: 'text/html' })],
    ['POST, asking for nothing', post()],
  ])('%s: takes the use and answers 200 JSON with the presigned POST, whatever the Accept', async (_case, request) => {
    const { nonces, uploads, handler } = setUp();

    const response = await handler(buildProxyEvent(request, context));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    expect(JSON.parse(response.body)).toEqual({
      upload: { method: 'POST', url: 'https://bucket.example/', fields: { key: 'incoming/a.pdf', Policy: 'e30=' } },
      expiresAt: new Date(clock() + 60_000).toISOString(),
      maxBytes: 100,
    });
    expect(uploads.requests).toEqual([
      { key: 'incoming/a.pdf', maxBytes: 100, contentType: 'application/pdf', expiresInSeconds: 60 },
    ]);
    expect(nonces.items.has(nonceId)).toBe(false);
  });

  it('burns nothing when the POST cannot be signed: 503, the nonce still there', async () => {
    const { nonces, uploads, handler } = setUp();
    uploads.failure = new DependencyUnavailableError('object-store');

    const response = await handler(buildProxyEvent(post(), context));

    expect(response.statusCode).toBe(503);
    expect(nonces.calls.consume).toBe(0);
    expect(nonces.items.has(nonceId)).toBe(true);
  });

  it.each([
    ['uploads are off now', null],
    ['the prefix changed since the mint', 'dropbox/'],
  ])('refuses an upload nonce when %s: 400 uploads_disabled, nothing built or consumed', async (_case, prefix) => {
    const { nonces, handler, built } = setUp(prefix);

    const response = await handler(buildProxyEvent(post(), context));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe('uploads_disabled');
    expect(built()).toBe(0);
    expect(nonces.calls.consume).toBe(0);
  });

  it('a second redemption is refused 403, and a download never builds the upload presigner', async () => {
    const { handler } = setUp();
    await handler(buildProxyEvent(post(), context));

    const replay = await handler(buildProxyEvent(post(), context));
    expect(replay.statusCode).toBe(403);

    const { handler: downloads, built: builtForDownloads, nonces } = setUp();
    nonces.items.set(nonceId, { ...record, key: 'hello.txt', upload: undefined } as never);
    const { operation: _o, maxBytes: _m, contentType: _c, ...download } = context;
    const redirect = await downloads(buildProxyEvent(accessRequest('x'), { ...download, key: 'hello.txt' }));
    expect(redirect.statusCode).toBe(302);
    expect(builtForDownloads()).toBe(0);
  });

  it('refuses an upload context without a size as no grant at all: 403, nothing consumed', async () => {
    const { nonces, handler } = setUp();
    const { maxBytes: _maxBytes, ...withoutSize } = context;

    const response = await handler(buildProxyEvent(post(), withoutSize));

    expect(response.statusCode).toBe(403);
    expect(nonces.calls.consume).toBe(0);
  });
});
