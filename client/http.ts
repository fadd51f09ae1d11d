import { ApiError, NetworkError, type PresignedUrlNonceError, UnexpectedResponseError } from './errors.js';
import { errorBodySchema } from './responses.js';
import type { FetchLike } from './types.js';

export interface RetryOptions {
  /** Attempts in all, the first one included. @default 3 */
  readonly maxAttempts?: number;
  /** The wait before the first retry when the answer has no `Retry-After`; it doubles each time. @default 250 */
  readonly baseDelayMs?: number;
  /**
   * The longest wait the client accepts. When `Retry-After` asks for more, the client gives up at once
   * and throws the ApiError (with `retryAfterSeconds`), leaving the decision to the caller. @default 20000
   */
  readonly maxDelayMs?: number;
  /** How to wait; tests inject one that records the delays and returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ResolvedRetry = Required<RetryOptions>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const resolveRetry = (options: RetryOptions = {}): ResolvedRetry => ({
  maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 3)),
  baseDelayMs: options.baseDelayMs ?? 250,
  maxDelayMs: options.maxDelayMs ?? 20_000,
  sleep: options.sleep ?? defaultSleep,
});

/**
 * The answers that are safe to repeat: 503 means nothing was consumed or created (the service's
 * contract), 429 is API Gateway throttling before any handler ran. Not 504: the handler may have run.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (value: string | null, nowMs: number = Date.now()): number | undefined => {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Only the IMF-fixdate form: Date.parse accepts far too much ("-1" is a date to it).
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
};

/** Exponential backoff with equal jitter: between half and all of base × 2^(retry − 1). */
export const backoffMs = (retry: number, baseDelayMs: number): number => {
  const ceiling = baseDelayMs * 2 ** (retry - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

/**
 * Sends, and sends again while the answer is a retryable status and attempts remain, waiting what
 * `Retry-After` says (or a backoff without one). `attempt` builds a fresh request each time, so a
 * signature is never older than its attempt. Returns the last response, whatever its status.
 */
export const sendWithRetry = async (attempt: () => Promise<Response>, retry: ResolvedRetry): Promise<Response> => {
  for (let number = 1; ; number += 1) {
    const response = await attempt();
    if (!RETRYABLE_STATUSES.has(response.status) || number >= retry.maxAttempts) return response;
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    const delay = retryAfter === undefined ? backoffMs(number, retry.baseDelayMs) : retryAfter * 1000;
    if (delay > retry.maxDelayMs) return response;
    // Free the connection before waiting: the body of a 503 is not needed.
    await response.body?.cancel().catch(() => undefined);
    await retry.sleep(delay);
  }
};

/** fetch, with its rejections (DNS, refused, reset, timeout) as NetworkError. */
export const fetchOrThrow = async (fetchFn: FetchLike, url: string, init: RequestInit): Promise<Response> => {
  try {
    return await fetchFn(url, init);
  } catch (error: unknown) {
    throw new NetworkError(url, error);
  }
};

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** An error answer as an ApiError when it has the service's JSON shape, else UnexpectedResponseError. */
export const errorFromResponse = async (response: Response): Promise<PresignedUrlNonceError> => {
  const parsed = errorBodySchema.safeParse(await readJson(response));
  if (!parsed.success) return new UnexpectedResponseError(response.status, 'the error body is not the API JSON shape');
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  return new ApiError(response.status, parsed.data.error, parsed.data.message, retryAfter);
};

/**
 * The JSON body of an answer with the expected status, parsed; an error answer thrown as ApiError; any
 * other status (a redirect from a producer route, a 200 where 201 is due) as UnexpectedResponseError.
 */
export const expectJson = async <T>(
  response: Response,
  expectedStatus: number,
  parse: (status: number, body: unknown) => T,
): Promise<T> => {
  if (response.status === expectedStatus) {
    const body = await readJson(response);
    if (body === undefined) throw new UnexpectedResponseError(response.status, 'the body is not JSON');
    return parse(response.status, body);
  }
  throw await unexpectedStatus(response);
};

/** The error for a status the caller did not expect; the body is consumed. */
export const unexpectedStatus = async (response: Response): Promise<PresignedUrlNonceError> => {
  if (response.status >= 400) return errorFromResponse(response);
  await response.body?.cancel().catch(() => undefined);
  return new UnexpectedResponseError(response.status, 'this status is not part of the contract');
};
