import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../lambda/core/errors.js';
import { nonceIdOf } from '../../../lambda/core/nonce.js';
import { makeGenerateUrlHandler } from '../../../lambda/handlers/generate-url.js';
import { buildProxyEvent } from '../../../local/events.js';
import { BAD_GENERATE_BODIES } from '../../support/bad-inputs.js';
import {
  FakeObjectStore,
  InMemoryNonceStore,
  manualClock,
  type RecordingLog,
  type RecordingMetrics,
  recordingLog,
  recordingMetrics,
} from '../../support/fakes.js';
import { gatewayRequest, generateRequest } from '../../support/requests.js';

const limits = { maxExpiresInSeconds: 604_800, maxUsesLimit: 100 };

describe('POST /generate-url handler', () => {
  let nonces: InMemoryNonceStore;
  let objects: FakeObjectStore;
  let log: RecordingLog;
  let metrics: RecordingMetrics;
  let handler: ReturnType<typeof makeGenerateUrlHandler>;

  beforeEach(() => {
    nonces = new InMemoryNonceStore();
    objects = new FakeObjectStore(['hello.txt', 'docs/report 2026.pdf']);
    log = recordingLog();
    metrics = recordingMetrics();
    handler = makeGenerateUrlHandler({ nonces, objects, clock: manualClock(), limits, log, metrics });
  });

  it('mints: 201 with the nonce, its id, the access URL, expiry and uses, not cacheable', async () => {
    const response = await handler(
      buildProxyEvent(generateRequest({ key: 'hello.txt', maxUses: 2, expiresInSeconds: 120 })),
    );

    expect(response.statusCode).toBe(201);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
    const body = JSON.parse(response.body);
    expect(Object.keys(body).sort()).toEqual(['accessUrl', 'expiresAt', 'maxUses', 'nonce', 'nonceId', 'operation']);
    expect(body.operation).toBe('download');
    expect(body.nonceId).toBe(nonceIdOf(body.nonce));
    expect(body.accessUrl).toBe(`http://127.0.0.1:3000/access-object?nonce=${body.nonce}`);
    expect(body.maxUses).toBe(2);
    expect(body.expiresAt).toBe('2026-01-01T12:02:01.000Z');
    expect(metrics.recorded).toEqual(['NonceIssued']);
    expect(log.lines.join('\n')).toContain(body.nonceId);
    expect(log.lines.join('\n')).not.toContain(body.nonce);
  });

  it('applies the defaults: one use, one hour', async () => {
    const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt' })));
    const body = JSON.parse(response.body);
    expect(body.maxUses).toBe(1);
    expect(body.expiresAt).toBe('2026-01-01T13:00:01.000Z');
    expect(nonces.items.get(body.nonceId)).toMatchObject({ maxUses: 1, usesLeft: 1, createdBy: 'local' });
  });

  it('stores confirm: true on the item, false or absent as no confirm', async () => {
    const minted = async (extra: Record<string, unknown>) => {
      const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt', ...extra })));
      expect(response.statusCode).toBe(201);
      return nonces.items.get(JSON.parse(response.body).nonceId);
    };
    expect((await minted({ confirm: true }))?.confirm).toBe(true);
    expect((await minted({ confirm: false }))?.confirm).toBeUndefined();
    expect((await minted({}))?.confirm).toBeUndefined();
  });

  it('records the caller ARN as createdBy', async () => {
    const request = generateRequest({ key: 'hello.txt' }, {}, 'arn:aws:iam::123456789012:user/producer');
    const body = JSON.parse((await handler(buildProxyEvent(request))).body);
    expect(nonces.items.get(body.nonceId)?.createdBy).toBe('arn:aws:iam::123456789012:user/producer');
  });

  it('records an assumed-role caller as its role, without the session', async () => {
    const request = generateRequest({ key: 'hello.txt' }, {}, 'arn:aws:sts::123456789012:assumed-role/producer/task-7');
    const body = JSON.parse((await handler(buildProxyEvent(request))).body);
    expect(nonces.items.get(body.nonceId)?.createdBy).toBe('arn:aws:sts::123456789012:assumed-role/producer');
  });

  it('refuses a request without a caller ARN with 403 caller_unidentified, checking and writing nothing', async () => {
    const { userArn: _, ...anonymous } = generateRequest({ key: 'hello.txt' });
    const response = await handler(buildProxyEvent(anonymous));
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: 'caller_unidentified', message: expect.any(String) });
    expect(nonces.items.size).toBe(0);
    expect(objects.checked).toEqual([]);
    expect(metrics.recorded).toEqual([]);
  });

  it("refuses a key outside the caller's producer scope with 403 key_not_allowed, before any S3 call, writing nothing", async () => {
    const scoped = makeGenerateUrlHandler({
      nonces,
      objects,
      clock: manualClock(),
      limits,
      log,
      metrics,
      keyPrefixes: new Map([['arn:aws:sts::123456789012:assumed-role/reports', 'reports/']]),
    });
    const asRole = (key: string) =>
      scoped(buildProxyEvent(generateRequest({ key }, {}, 'arn:aws:sts::123456789012:assumed-role/reports/task-1')));

    for (const response of [await asRole('hello.txt'), await asRole('missing.txt')]) {
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body)).toEqual({
        error: 'key_not_allowed',
        message: 'This caller may mint nonces only for keys that start with "reports/".',
      });
    }
    const outsider = await scoped(buildProxyEvent(generateRequest({ key: 'reports/q1.pdf' })));
    expect(JSON.parse(outsider.body).error).toBe('key_not_allowed');
    expect(objects.checked).toEqual([]);
    expect(nonces.items.size).toBe(0);

    objects.keys.add('reports/q1.pdf');
    expect((await asRole('reports/q1.pdf')).statusCode).toBe(201);
  });

  it('accepts a charset parameter on the media type and a base64-encoded body', async () => {
    const event = buildProxyEvent(
      generateRequest({ key: 'docs/report 2026.pdf' }, { 'content-type': 'Application/JSON; charset=utf-8' }),
    );
    const encoded = { ...event, body: Buffer.from(event.body ?? '').toString('base64'), isBase64Encoded: true };
    expect((await handler(encoded)).statusCode).toBe(201);
  });

  it('builds accessUrl from PUBLIC_BASE_URL when one is configured', async () => {
    const custom = makeGenerateUrlHandler({
      nonces,
      objects,
      clock: manualClock(),
      limits,
      publicBaseUrl: 'https://files.example.com/v1',
      log,
      metrics,
    });
    const body = JSON.parse((await custom(buildProxyEvent(generateRequest({ key: 'hello.txt' })))).body);
    expect(body.accessUrl).toBe(`https://files.example.com/v1/access-object?nonce=${body.nonce}`);
  });

  it('builds accessUrl with the stage when API Gateway adds it to the path', async () => {
    const event = buildProxyEvent(generateRequest({ key: 'hello.txt' }, { 'X-Forwarded-Proto': 'https' }));
    const staged = {
      ...event,
      requestContext: {
        ...event.requestContext,
        domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        path: '/prod/generate-url',
      },
    };
    const body = JSON.parse((await handler(staged)).body);
    expect(body.accessUrl).toBe(
      `https://abc123.execute-api.eu-west-1.amazonaws.com/prod/access-object?nonce=${body.nonce}`,
    );
  });

  it.each(BAD_GENERATE_BODIES)('refuses %s with %i %s and writes nothing', async (_name, body, status, code, field) => {
    const response = await handler(buildProxyEvent(generateRequest(body)));

    expect(response.statusCode).toBe(status);
    const parsed = JSON.parse(response.body);
    expect(Object.keys(parsed).sort()).toEqual(['error', 'message']);
    expect(parsed.error).toBe(code);
    expect(parsed.message.length).toBeGreaterThan(10);
    if (field !== undefined) expect(parsed.message).toContain(`"${field}"`);
    expect(nonces.items.size).toBe(0);
    expect(metrics.recorded).toEqual([]);
  });

  it.each([
    [
      'a RFC 6266 disposition with an RFC 5987 file name',
      'attachment; filename="r_sum_.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf',
    ],
    [
      'every printable ASCII character',
      Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join(''),
    ],
  ])('accepts %s as responseContentDisposition', async (_name, disposition) => {
    const response = await handler(
      buildProxyEvent(generateRequest({ key: 'hello.txt', responseContentDisposition: disposition })),
    );
    expect(response.statusCode).toBe(201);
    expect(nonces.items.get(JSON.parse(response.body).nonceId)?.responseContentDisposition).toBe(disposition);
  });

  it.each(['a//b', '.hidden', 'a/..b/c', 'a../b', '.../x', 'a/b.'])(
    'accepts the key %s: dots inside a segment and empty segments are kept by HTTP clients',
    async (key) => {
      objects = new FakeObjectStore([key]);
      handler = makeGenerateUrlHandler({ nonces, objects, clock: manualClock(), limits, log, metrics });
      expect((await handler(buildProxyEvent(generateRequest({ key })))).statusCode).toBe(201);
    },
  );

  it.each([
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['form encoding', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['application/jsonp', { 'Content-Type': 'application/jsonp' }],
  ])('refuses the media type %s with 415', async (_name, headers) => {
    const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt' }, headers)));
    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body).error).toBe('unsupported_media_type');
    expect(nonces.items.size).toBe(0);
  });

  it('refuses a missing Content-Type with 415', async () => {
    const request = gatewayRequest({ body: JSON.stringify({ key: 'hello.txt' }), userArn: 'local' });
    const response = await handler(buildProxyEvent(request));
    expect(response.statusCode).toBe(415);
  });

  it('counts the body size as received: 8192 bytes pass the size check, 8193 do not', async () => {
    // Trailing white space is valid JSON, so the size alone decides.
    const padded = (size: number) => JSON.stringify({ key: 'hello.txt' }).padEnd(size, ' ');
    expect((await handler(buildProxyEvent(generateRequest(padded(8192))))).statusCode).toBe(201);
    expect((await handler(buildProxyEvent(generateRequest(padded(8193))))).statusCode).toBe(413);
  });

  it('answers 503 with Retry-After when the object store is down, writing nothing', async () => {
    objects.existsFailure = new DependencyUnavailableError('object-store');
    const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt' })));
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('2');
    expect(JSON.parse(response.body)).toEqual({
      error: 'service_unavailable',
      message: 'The service is temporarily unavailable; retry later.',
    });
    expect(nonces.calls.create).toBe(0);
  });

  it('answers 503 when the nonce store is down, and the nonce it minted is not returned', async () => {
    nonces.failure = new DependencyUnavailableError('nonce-store');
    const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt' })));
    expect(response.statusCode).toBe(503);
    expect(Object.keys(JSON.parse(response.body)).sort()).toEqual(['error', 'message']);
  });

  it('answers 500 without internals for an unexpected error', async () => {
    nonces.failure = new TypeError('secret internal detail at /var/task/index.mjs');
    const response = await handler(buildProxyEvent(generateRequest({ key: 'hello.txt' })));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('TypeError');
  });

  it('refuses other methods with 405 without minting', async () => {
    const response = await handler(buildProxyEvent({ ...generateRequest({ key: 'hello.txt' }), method: 'PUT' }));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('POST');
    expect(nonces.calls.create).toBe(0);
  });
});
