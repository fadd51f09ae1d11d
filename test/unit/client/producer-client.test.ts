import { describe, expect, it } from 'vitest';
import {
  ApiError,
  NetworkError,
  PresignedUrlNonceError,
  ProducerClient,
  parseRetryAfter,
  type RetryOptions,
  SigningError,
  UnexpectedResponseError,
} from '../../../client/index.js';
import {
  errorResponse,
  fakeFetch,
  generatedBody,
  jsonResponse,
  NONCE_ID,
  type Responder,
  recordingSleep,
  statusBody,
} from './fake-fetch.js';

const LOCAL = 'http://127.0.0.1:3000';

const localClient = (responder: Responder, retry: RetryOptions = {}) => {
  const recorder = fakeFetch(responder);
  const client = new ProducerClient({ endpoint: LOCAL, fetch: recorder.fetch, retry });
  return { client, calls: recorder.calls };
};

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('ProducerClient results', () => {
  it('generate: posts only the given fields and returns typed values, dates as Dates', async () => {
    const { client, calls } = localClient(() => jsonResponse(201, generatedBody(LOCAL)));

    const generated = await client.generate({ key: 'hello.txt', maxUses: 2, expiresInSeconds: undefined });

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: `${LOCAL}/generate-url`, redirect: 'manual' });
    expect(calls[0]?.body).toBe('{"key":"hello.txt","maxUses":2}');
    expect(generated).toEqual({ ...generatedBody(LOCAL), expiresAt: new Date('2030-01-01T01:00:00Z') });
  });

  it('status: GETs the percent-encoded id under the base path and parses every field', async () => {
    const recorder = fakeFetch(() => jsonResponse(200, statusBody()));
    const client = new ProducerClient({ endpoint: 'http://127.0.0.1:3000/stage/', fetch: recorder.fetch });

    const status = await client.status(NONCE_ID);
    await client.status('a/b?c').catch(() => undefined);

    expect(recorder.calls.map((call) => [call.method, call.url])).toEqual([
      ['GET', `http://127.0.0.1:3000/stage/nonces/${NONCE_ID}`],
      ['GET', 'http://127.0.0.1:3000/stage/nonces/a%2Fb%3Fc'],
    ]);
    expect(status).toEqual({
      ...statusBody(),
      expiresAt: new Date('2030-01-01T01:00:00Z'),
      createdAt: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('generate: sends confirm when asked; status reads confirm, false from a service that does not send it', async () => {
    const { client, calls } = localClient((_request, index) =>
      index === 0
        ? jsonResponse(201, generatedBody(LOCAL))
        : jsonResponse(200, index === 1 ? { ...statusBody(), confirm: true } : { ...statusBody(), confirm: undefined }),
    );

    await client.generate({ key: 'hello.txt', confirm: true });
    expect(calls[0]?.body).toBe('{"key":"hello.txt","confirm":true}');
    expect((await client.status(NONCE_ID)).confirm).toBe(true);
    expect((await client.status(NONCE_ID)).confirm).toBe(false);
  });

  it('revoke: resolves on 204 and sends DELETE', async () => {
    const { client, calls } = localClient(() => new Response(null, { status: 204 }));

    await expect(client.revoke(NONCE_ID)).resolves.toBeUndefined();
    expect(calls[0]?.method).toBe('DELETE');
  });
});

describe('ProducerClient errors', () => {
  it.each([
    [404, 'not_found'],
    [404, 'object_not_found'],
    [400, 'invalid_request'],
    [403, 'missing_authentication_token'],
    [413, 'payload_too_large'],
  ])('throws ApiError with status %i and code %s', async (status, code) => {
    const { client } = localClient(() => errorResponse(status, code));

    const error = await rejection(client.status(NONCE_ID));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(PresignedUrlNonceError);
    expect(error).toMatchObject({ status, code, message: `The ${code} message.`, retryable: false });
  });

  it('throws UnexpectedResponseError for a body that breaks the contract', async () => {
    const cases: Responder[] = [
      () => new Response('<html>Bad Gateway</html>', { status: 502 }),
      () => jsonResponse(201, { ...generatedBody(), nonceId: undefined }),
      () => jsonResponse(201, { ...generatedBody(), expiresAt: 'soon' }),
      () => jsonResponse(200, generatedBody()),
      () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example' } }),
    ];
    for (const responder of cases) {
      const { client } = localClient(responder);
      expect(await rejection(client.generate({ key: 'k' }))).toBeInstanceOf(UnexpectedResponseError);
    }
  });

  it('throws NetworkError when fetch rejects, naming the origin only', async () => {
    const { client } = localClient(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    });

    const error = await rejection(client.status(NONCE_ID));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`Could not reach ${LOCAL}: ECONNREFUSED (connect ECONNREFUSED)`);
  });

  it('throws SigningError when the credentials provider fails', async () => {
    const client = new ProducerClient({
      endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
      fetch: () => {
        throw new Error('must not be called unsigned');
      },
    });

    const error = await rejection(client.status(NONCE_ID));

    expect(error).toBeInstanceOf(SigningError);
    expect((error as Error).message).toContain('Could not load credentials');
  });

  it('refuses an endpoint that is not a base URL', () => {
    expect(() => new ProducerClient({ endpoint: 'not a url' })).toThrow(PresignedUrlNonceError);
    expect(() => new ProducerClient({ endpoint: 'ftp://127.0.0.1' })).toThrow(/http\(s\)/);
    expect(() => new ProducerClient({ endpoint: `${LOCAL}/?x=1` })).toThrow(/query string/);
  });
});

describe('ProducerClient retries', () => {
  it('retries a 503 after the Retry-After it names, then returns the success', async () => {
    const { delays, sleep } = recordingSleep();
    const { client, calls } = localClient(
      (_request, index) =>
        index < 2 ? errorResponse(503, 'service_unavailable', { 'retry-after': '2' }) : jsonResponse(200, statusBody()),
      { sleep },
    );

    const status = await client.status(NONCE_ID);

    expect(status.usesLeft).toBe(1);
    expect(calls).toHaveLength(3);
    expect(delays).toEqual([2000, 2000]);
  });

  it('gives up after maxAttempts with the last ApiError, retryAfterSeconds included', async () => {
    const { delays, sleep } = recordingSleep();
    const { client, calls } = localClient(() => errorResponse(503, 'service_unavailable', { 'retry-after': '1' }), {
      sleep,
      maxAttempts: 4,
    });

    const error = await rejection(client.generate({ key: 'k' }));

    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', retryAfterSeconds: 1, retryable: true });
    expect(calls).toHaveLength(4);
    expect(delays).toEqual([1000, 1000, 1000]);
  });

  it('does not wait longer than maxDelayMs: a long Retry-After is returned to the caller at once', async () => {
    const { delays, sleep } = recordingSleep();
    const { client, calls } = localClient(() => errorResponse(503, 'service_unavailable', { 'retry-after': '120' }), {
      sleep,
      maxDelayMs: 10_000,
    });

    const error = await rejection(client.status(NONCE_ID));

    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 120 });
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('backs off exponentially, with jitter, when there is no Retry-After (429 throttling)', async () => {
    const { delays, sleep } = recordingSleep();
    const { client, calls } = localClient(
      (_request, index) => (index < 3 ? errorResponse(429, 'throttled') : jsonResponse(200, statusBody())),
      { sleep, maxAttempts: 4, baseDelayMs: 100 },
    );

    await client.status(NONCE_ID);

    expect(calls).toHaveLength(4);
    expect(delays).toHaveLength(3);
    for (const [index, delay] of delays.entries()) {
      const ceiling = 100 * 2 ** index;
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it.each([400, 404, 500, 504])('does not retry a %i', async (status) => {
    const { delays, sleep } = recordingSleep();
    const { client, calls } = localClient(() => errorResponse(status, 'whatever'), { sleep });

    await rejection(client.status(NONCE_ID));

    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('signs each attempt afresh', async () => {
    const { sleep } = recordingSleep();
    let now = Date.parse('2024-05-01T12:00:00Z');
    const recorder = fakeFetch((_request, index) =>
      index === 0 ? errorResponse(503, 'service_unavailable', { 'retry-after': '3' }) : jsonResponse(200, statusBody()),
    );
    const client = new ProducerClient({
      endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      clock: () => new Date(now),
      fetch: recorder.fetch,
      retry: {
        sleep: async (ms) => {
          now += ms;
          await sleep(ms);
        },
      },
    });

    await client.status(NONCE_ID);

    expect(recorder.calls.map((call) => call.headers['x-amz-date'])).toEqual(['20240501T120000Z', '20240501T120003Z']);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
