import { ApiError, PresignedUrlNonceError, SigningError, UnexpectedResponseError } from './errors.js';
import {
  backoffMs,
  expectJson,
  fetchOrThrow,
  type ResolvedRetry,
  type RetryOptions,
  resolveRetry,
  sendWithRetry,
  unexpectedStatus,
} from './http.js';
import { parseGenerated, parseStatus } from './responses.js';
import {
  createRequestSigner,
  isLoopbackEndpoint,
  type OutgoingRequest,
  type RequestSigner,
  regionFromEndpoint,
} from './sigv4.js';
import type {
  Credentials,
  CredentialsProvider,
  FetchLike,
  GeneratedNonce,
  GenerateInput,
  NonceStatus,
} from './types.js';

/** Local mode reads the caller's identity from this header; the deployed API takes it from SigV4. */
export const LOCAL_PRINCIPAL_HEADER = 'x-local-principal';

export interface ProducerClientOptions {
  /**
   * The API's base URL, stage included: `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`, a
   * custom domain, or local mode's `http://127.0.0.1:3000`.
   */
  readonly endpoint: string;
  /**
   * The signing region. @default the one in an execute-api host name, else `AWS_REGION`, else
   * `AWS_DEFAULT_REGION`
   */
  readonly region?: string;
  /** @default the SDK's default chain (`fromNodeProviderChain`): env, SSO, profiles, container, instance */
  readonly credentials?: Credentials | CredentialsProvider;
  /**
   * Sign requests with SigV4. @default true, except for an endpoint on loopback (`localhost`,
   * `127.0.0.0/8`, `::1`): that is local mode, which checks no signature.
   */
  readonly signing?: boolean;
  /** Local mode only (it needs `signing` off): the principal local mode records as the creator. */
  readonly localPrincipal?: string;
  readonly retry?: RetryOptions;
  /** Per attempt. @default 30000 (API Gateway's own limit is 29 s) */
  readonly requestTimeoutMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** The signing time. @default () => new Date() */
  readonly clock?: () => Date;
}

/** Loaded on first use: the credential chain pulls in much of the SDK, and local mode never needs it. */
const defaultCredentials = (): CredentialsProvider => {
  let provider: Promise<CredentialsProvider> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) => fromNodeProviderChain());
    return (await provider)();
  };
};

/** Most failures here are the credential chain finding nothing: say so, keep the SDK's error as the cause. */
const signOrThrow = async (sign: RequestSigner, request: OutgoingRequest): Promise<Record<string, string>> => {
  try {
    return await sign(request);
  } catch (error: unknown) {
    throw new SigningError(error);
  }
};

const parseEndpoint = (endpoint: string): URL => {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PresignedUrlNonceError(`The endpoint "${endpoint}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PresignedUrlNonceError(`The endpoint must be an http(s) URL, not ${url.protocol}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new PresignedUrlNonceError('The endpoint must not have a query string or a fragment.');
  }
  return url;
};

/**
 * The producer's side of the API: mint a nonce, read its status, revoke it. Every call is signed with
 * SigV4 for `execute-api` (unless aimed at local mode), retried on 503/429 as `retry` says, and every
 * failure is a typed error: ApiError (the API's code and status), NetworkError, UnexpectedResponseError.
 */
export class ProducerClient {
  readonly endpoint: string;
  readonly signing: boolean;
  private readonly sign: RequestSigner | undefined;
  private readonly fetch: FetchLike;
  private readonly retry: ResolvedRetry;
  private readonly requestTimeoutMs: number;
  private readonly localPrincipal: string | undefined;

  constructor(options: ProducerClientOptions) {
    const endpoint = parseEndpoint(options.endpoint);
    // Routes are appended to the base path: `/prod` + `/generate-url`.
    this.endpoint = endpoint.href.replace(/\/+$/, '');
    this.signing = options.signing ?? !isLoopbackEndpoint(endpoint);
    if (this.signing && options.localPrincipal !== undefined) {
      throw new PresignedUrlNonceError(
        'localPrincipal is for local mode only: the deployed API takes the caller from the signature.',
      );
    }
    this.localPrincipal = options.localPrincipal;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.retry = resolveRetry(options.retry);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.sign = this.signing ? this.createSigner(endpoint, options) : undefined;
  }

  /** POST /generate-url → 201. Throws ApiError `object_not_found` (404) when the key does not exist. */
  async generate(input: GenerateInput): Promise<GeneratedNonce> {
    // Only the fields given: the service rejects `null` and fills in its own defaults.
    const body = JSON.stringify(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
    const response = await this.send('POST', '/generate-url', body);
    return expectJson(response, 201, parseGenerated);
  }

  /**
   * Mints a download nonce once the object exists: how a producer learns that an upload has landed. While
   * the key holds no object (404 `object_not_found`), it waits and asks again, with an exponential backoff
   * and jitter (from `firstDelayMs`, doubling, at most `maxDelayMs`), until `timeoutMs` has passed; then it
   * throws that last 404. Each attempt is one POST /generate-url, which writes nothing while the object is
   * missing.
   */
  async generateWhenObjectExists(
    input: GenerateInput,
    options: {
      readonly timeoutMs: number;
      /** @default 1000 */
      readonly firstDelayMs?: number;
      /** @default 30000 */
      readonly maxDelayMs?: number;
      /** @default the retry option's sleep, else a timer */
      readonly sleep?: (ms: number) => Promise<void>;
      /** @default Date.now */
      readonly now?: () => number;
    },
  ): Promise<GeneratedNonce> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? this.retry.sleep;
    const deadline = now() + options.timeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.generate(input);
      } catch (error: unknown) {
        if (!(error instanceof ApiError) || error.code !== 'object_not_found') throw error;
        const delay = Math.min(options.maxDelayMs ?? 30_000, backoffMs(attempt, options.firstDelayMs ?? 1_000));
        const left = deadline - now();
        if (left <= 0) throw error;
        await sleep(Math.min(delay, left));
      }
    }
  }

  /** GET /nonces/{nonceId} → 200. ApiError `not_found` (404): unknown, used up, expired, or not yours. */
  async status(nonceId: string): Promise<NonceStatus> {
    const response = await this.send('GET', `/nonces/${encodeURIComponent(nonceId)}`);
    return expectJson(response, 200, parseStatus);
  }

  /** DELETE /nonces/{nonceId} → 204; the nonce is refused from now on. ApiError `not_found` as for status. */
  async revoke(nonceId: string): Promise<void> {
    const response = await this.send('DELETE', `/nonces/${encodeURIComponent(nonceId)}`);
    if (response.status === 204) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    throw await unexpectedStatus(response);
  }

  private createSigner(endpoint: URL, options: ProducerClientOptions): RequestSigner {
    const region =
      options.region ?? regionFromEndpoint(endpoint) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (region === undefined || region === '') {
      throw new PresignedUrlNonceError(
        `No signing region for ${endpoint.host}: pass "region" or set AWS_REGION (a custom domain does not name one).`,
      );
    }
    return createRequestSigner({
      region,
      credentials: options.credentials ?? defaultCredentials(),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  }

  private async send(method: string, route: string, body?: string): Promise<Response> {
    const url = new URL(`${this.endpoint}${route}`);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(this.localPrincipal === undefined ? {} : { [LOCAL_PRINCIPAL_HEADER]: this.localPrincipal }),
    };
    const attempt = async () => {
      const signed = this.sign === undefined ? headers : await signOrThrow(this.sign, { method, url, headers, body });
      // fetch derives Host from the URL: the very value that was signed.
      const { host: _host, ...sent } = signed;
      return fetchOrThrow(this.fetch, url.href, {
        method,
        headers: sent,
        ...(body === undefined ? {} : { body }),
        // A redirect is not part of any producer route's contract: report it rather than follow it.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    };
    const response = await sendWithRetry(attempt, this.retry);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new UnexpectedResponseError(response.status, 'a producer route answered with a redirect');
    }
    return response;
  }
}
