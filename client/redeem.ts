import { checkAccessUrl } from './access-url.js';
import { ConfirmationRequiredError, ObjectDownloadError, UnexpectedResponseError } from './errors.js';
import { expectJson, fetchOrThrow, type RetryOptions, resolveRetry, sendWithRetry, unexpectedStatus } from './http.js';
import { asConfirmationOffer, parseRedeemedUrl } from './responses.js';
import type { FetchLike, RedeemedUrl } from './types.js';

export interface RedeemOptions {
  /**
   * - `url`: the presigned URL and its expiry (`Accept: application/json`), to fetch it yourself, soon;
   * - `bytes`: the object, downloaded into memory;
   * - `stream`: the object as a web ReadableStream, for large objects.
   */
  readonly as: 'url' | 'bytes' | 'stream';
  /**
   * - `GET` (default): one request for a nonce minted without `confirm`; a `confirm` nonce only answers its
   *   offer, and this throws ConfirmationRequiredError, nothing used;
   * - `POST`: redeems any nonce, with `confirm` or without (the confirmation page's button is this POST).
   */
  readonly method?: 'GET' | 'POST';
  /** 503 and 429 leave the nonce unused, so they are retried. */
  readonly retry?: RetryOptions;
  readonly fetch?: FetchLike;
  /** Aborts the redemption and the download. */
  readonly signal?: AbortSignal;
}

/** What S3 said about the object. */
export interface ObjectInfo {
  readonly contentType?: string;
  /** Absent when S3 streams without a length. */
  readonly contentLength?: number;
}

export interface RedeemedBytes extends ObjectInfo {
  readonly body: Uint8Array;
}

export interface RedeemedStream extends ObjectInfo {
  readonly body: ReadableStream<Uint8Array>;
}

const infoOf = (response: Response): ObjectInfo => {
  const contentType = response.headers.get('content-type') ?? undefined;
  const length = response.headers.get('content-length');
  const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  return {
    ...(contentType === undefined ? {} : { contentType }),
    ...(contentLength === undefined ? {} : { contentLength }),
  };
};

/** A 200 to GET that is a confirm nonce's offer (the page, or its JSON): nothing was used. */
const confirmationRequired = async (response: Response): Promise<ConfirmationRequiredError | undefined> => {
  if (response.status !== 200) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/html')) {
    await response.body?.cancel().catch(() => undefined);
    return new ConfirmationRequiredError();
  }
  const offer = asConfirmationOffer(
    await response
      .clone()
      .json()
      .catch(() => undefined),
  );
  return offer === undefined ? undefined : new ConfirmationRequiredError(offer.expiresAt, offer.usesLeft);
};

/**
 * Redeems an accessUrl: one use of the nonce. A refused nonce (unknown, used up, expired, revoked) is
 * ApiError `nonce_invalid` (403); a missing one `unauthorized` (401). No credentials are needed: the
 * nonce is the credential. Once the API has answered 302 (GET) or 303 (POST) the use is spent, whatever
 * S3 then does. With GET, a nonce minted with `confirm` is ConfirmationRequiredError, nothing used.
 */
export async function redeem(accessUrl: string, options: RedeemOptions & { as: 'url' }): Promise<RedeemedUrl>;
export async function redeem(accessUrl: string, options: RedeemOptions & { as: 'bytes' }): Promise<RedeemedBytes>;
export async function redeem(accessUrl: string, options: RedeemOptions & { as: 'stream' }): Promise<RedeemedStream>;
export async function redeem(
  accessUrl: string,
  options: RedeemOptions,
): Promise<RedeemedUrl | RedeemedBytes | RedeemedStream>;
export async function redeem(
  accessUrl: string,
  options: RedeemOptions,
): Promise<RedeemedUrl | RedeemedBytes | RedeemedStream> {
  const url = checkAccessUrl(accessUrl);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const wantsUrl = options.as === 'url';
  const method = options.method ?? 'GET';
  const response = await sendWithRetry(
    () =>
      fetchOrThrow(fetchFn, url.href, {
        method,
        // The first media type decides: JSON asks for {url, expiresAt}; anything else for the redirect.
        headers: { accept: wantsUrl ? 'application/json' : '*/*' },
        // Manual: the API's 302 is checked here, and the S3 request carries none of our headers.
        redirect: 'manual',
        ...signal,
      }),
    resolveRetry(options.retry),
  );
  if (method === 'GET') {
    const confirmation = await confirmationRequired(response);
    if (confirmation !== undefined) throw confirmation;
  }
  if (wantsUrl) return expectJson(response, 200, parseRedeemedUrl);

  const redirect = response.status === (method === 'POST' ? 303 : 302);
  const location = redirect ? response.headers.get('location') : null;
  if (location === null) {
    if (redirect) throw new UnexpectedResponseError(response.status, 'a redirect without Location');
    throw await unexpectedStatus(response);
  }
  await response.body?.cancel().catch(() => undefined);
  const target = new URL(location, url).href;
  const object = await fetchOrThrow(fetchFn, target, { method: 'GET', ...signal });
  if (object.status !== 200 || object.body === null) {
    await object.body?.cancel().catch(() => undefined);
    throw new ObjectDownloadError(object.status);
  }
  const info = infoOf(object);
  if (options.as === 'stream') return { ...info, body: object.body };
  return { ...info, body: new Uint8Array(await object.arrayBuffer()) };
}
