import { describe, expect, it } from 'vitest';
import {
  ApiError,
  ConfirmationRequiredError,
  ObjectDownloadError,
  PresignedUrlNonceError,
  redeem,
  UnexpectedResponseError,
} from '../../../client/index.js';
import { errorResponse, fakeFetch, jsonResponse, NONCE, recordingSleep } from './fake-fetch.js';

const ACCESS_URL = `http://127.0.0.1:3000/access-object?nonce=${NONCE}`;
const PRESIGNED = 'http://127.0.0.1:4569/bucket/hello.txt?X-Amz-Signature=abc';
const BYTES = new TextEncoder().encode('hello, world\n');

/** The API's 302 for the first request, S3's object for the second. */
const redirectThenObject = (object: () => Response = () => new Response(BYTES, { status: 200 })) =>
  fakeFetch((_request, index) =>
    index === 0
      ? new Response(null, { status: 302, headers: { location: PRESIGNED, 'cache-control': 'no-store' } })
      : object(),
  );

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('redeem', () => {
  it("as 'url': asks for JSON and returns the presigned URL and its expiry", async () => {
    const recorder = fakeFetch(() => jsonResponse(200, { url: PRESIGNED, expiresAt: '2030-01-01T00:01:00.000Z' }));

    const redeemed = await redeem(ACCESS_URL, { as: 'url', fetch: recorder.fetch });

    expect(redeemed).toEqual({ url: PRESIGNED, expiresAt: new Date('2030-01-01T00:01:00Z') });
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]).toMatchObject({
      method: 'GET',
      url: ACCESS_URL,
      headers: { accept: 'application/json' },
    });
  });

  it("as 'bytes': takes the 302 itself, then fetches Location with none of its own headers", async () => {
    const recorder = redirectThenObject(
      () => new Response(BYTES, { status: 200, headers: { 'content-type': 'text/plain', 'content-length': '13' } }),
    );

    const object = await redeem(ACCESS_URL, { as: 'bytes', fetch: recorder.fetch });

    expect(Buffer.from(object.body).toString()).toBe('hello, world\n');
    expect(object).toMatchObject({ contentType: 'text/plain', contentLength: 13 });
    expect(recorder.calls.map((call) => [call.url, call.redirect, call.headers])).toEqual([
      [ACCESS_URL, 'manual', { accept: '*/*' }],
      [PRESIGNED, undefined, {}],
    ]);
  });

  it("as 'stream': returns a web stream of the object", async () => {
    const recorder = redirectThenObject();

    const object = await redeem(ACCESS_URL, { as: 'stream', fetch: recorder.fetch });

    expect(Buffer.from(await new Response(object.body).arrayBuffer()).toString()).toBe('hello, world\n');
  });

  it('resolves a relative Location against the access URL', async () => {
    const recorder = fakeFetch((_request, index) =>
      index === 0 ? new Response(null, { status: 302, headers: { location: '/object?sig=1' } }) : new Response(BYTES),
    );

    await redeem(ACCESS_URL, { as: 'bytes', fetch: recorder.fetch });

    expect(recorder.calls[1]?.url).toBe('http://127.0.0.1:3000/object?sig=1');
  });

  it.each([
    [403, 'nonce_invalid'],
    [401, 'unauthorized'],
  ])('throws ApiError %i %s and never goes to S3', async (status, code) => {
    for (const as of ['url', 'bytes', 'stream'] as const) {
      const recorder = fakeFetch(() => errorResponse(status, code));

      const error = await rejection(redeem(ACCESS_URL, { as, fetch: recorder.fetch }));

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, code });
      expect(recorder.calls).toHaveLength(1);
    }
  });

  it('retries a 503 (the nonce was not consumed) after Retry-After', async () => {
    const { delays, sleep } = recordingSleep();
    const recorder = fakeFetch((_request, index) => {
      if (index === 0) return errorResponse(503, 'service_unavailable', { 'retry-after': '2' });
      if (index === 1) return new Response(null, { status: 302, headers: { location: PRESIGNED } });
      return new Response(BYTES);
    });

    const object = await redeem(ACCESS_URL, { as: 'bytes', fetch: recorder.fetch, retry: { sleep } });

    expect(object.body).toEqual(BYTES);
    expect(delays).toEqual([2000]);
    expect(recorder.calls.map((call) => call.url)).toEqual([ACCESS_URL, ACCESS_URL, PRESIGNED]);
  });

  it('throws ObjectDownloadError when S3 refuses the presigned URL', async () => {
    const recorder = redirectThenObject(
      () => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 }),
    );

    const error = await rejection(redeem(ACCESS_URL, { as: 'bytes', fetch: recorder.fetch }));

    expect(error).toBeInstanceOf(ObjectDownloadError);
    expect(error).toMatchObject({ status: 403 });
  });

  it('refuses a URL that is not http(s) without sending anything, and does not echo it', async () => {
    const recorder = fakeFetch(() => new Response(BYTES));

    for (const url of [`file:///etc/passwd?nonce=${NONCE}`, `nonce=${NONCE}`]) {
      const error = await rejection(redeem(url, { as: 'bytes', fetch: recorder.fetch }));
      expect(error).toBeInstanceOf(PresignedUrlNonceError);
      expect((error as Error).message).not.toContain(NONCE);
    }
    expect(recorder.calls).toEqual([]);
  });

  it("method 'POST': takes the 303 See Other, then fetches Location; a 302 to POST breaks the contract", async () => {
    const recorder = fakeFetch((request, index) =>
      index === 0
        ? new Response(null, { status: request.method === 'POST' ? 303 : 405, headers: { location: PRESIGNED } })
        : new Response(BYTES),
    );
    const redeemed = await redeem(ACCESS_URL, { as: 'bytes', method: 'POST', fetch: recorder.fetch });
    expect(redeemed.body).toEqual(BYTES);
    expect(recorder.calls.map((call) => call.method)).toEqual(['POST', 'GET']);

    const wrong = fakeFetch(() => new Response(null, { status: 302, headers: { location: PRESIGNED } }));
    expect(await rejection(redeem(ACCESS_URL, { as: 'bytes', method: 'POST', fetch: wrong.fetch }))).toBeInstanceOf(
      UnexpectedResponseError,
    );
  });

  it("method 'POST' as 'url': 200 {url, expiresAt}", async () => {
    const recorder = fakeFetch(() => jsonResponse(200, { url: PRESIGNED, expiresAt: '2030-01-01T00:01:00.000Z' }));
    const redeemed = await redeem(ACCESS_URL, { as: 'url', method: 'POST', fetch: recorder.fetch });
    expect(redeemed.url).toBe(PRESIGNED);
    expect(recorder.calls[0]).toMatchObject({ method: 'POST', headers: { accept: 'application/json' } });
  });

  it('GET of a confirm nonce: ConfirmationRequiredError from the JSON offer, with its expiry and uses', async () => {
    const offer = {
      confirm: true,
      redeem: { method: 'POST', url: ACCESS_URL },
      expiresAt: '2030-01-01T01:00:00.000Z',
      usesLeft: 2,
    };
    const recorder = fakeFetch(() => jsonResponse(200, offer));
    const error = await rejection(redeem(ACCESS_URL, { as: 'url', fetch: recorder.fetch }));
    expect(error).toBeInstanceOf(ConfirmationRequiredError);
    expect(error).toMatchObject({ expiresAt: new Date('2030-01-01T01:00:00Z'), usesLeft: 2 });
    expect((error as Error).message).toMatch(/nothing was used.*POST/);
    expect(recorder.calls).toHaveLength(1);
  });

  it('GET of a confirm nonce: ConfirmationRequiredError from the HTML page, and S3 is never asked', async () => {
    const recorder = fakeFetch(
      () =>
        new Response('<!doctype html><form method="post">', {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        }),
    );
    expect(await rejection(redeem(ACCESS_URL, { as: 'bytes', fetch: recorder.fetch }))).toBeInstanceOf(
      ConfirmationRequiredError,
    );
    expect(recorder.calls).toHaveLength(1);
  });
});
