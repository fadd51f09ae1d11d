import { API_ERROR_CODES, type ApiErrorCode } from './types.js';

/** The base of every error the client throws, so callers can tell ours from their own with one check. */
export class PresignedUrlNonceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PresignedUrlNonceError';
  }
}

/**
 * The API answered with an error: its JSON `{error, message}` and HTTP status. `code` is one of
 * API_ERROR_CODES unless a newer service answers with a code this client does not know yet.
 */
export class ApiError extends PresignedUrlNonceError {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | (string & {}),
    message: string,
    /** From `Retry-After` on a 503 or 429: how long the service asked the caller to wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when retrying later may succeed: nothing was consumed or created. */
  get retryable(): boolean {
    return this.status === 503 || this.status === 429 || this.status === 504;
  }
}

/** The answer is not what the contract says (not JSON, a missing field, an unexpected status). */
export class UnexpectedResponseError extends PresignedUrlNonceError {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`Unexpected response (HTTP ${status}): ${detail}`);
    this.name = 'UnexpectedResponseError';
  }
}

/** No answer at all: DNS, connection refused or reset, TLS. The request may or may not have arrived. */
export class NetworkError extends PresignedUrlNonceError {
  constructor(url: string, cause: unknown) {
    // The origin only: a redeem URL carries the nonce in its query string.
    super(`Could not reach ${originOf(url)}: ${describeCause(cause)}`, { cause });
    this.name = 'NetworkError';
  }
}

/** The request could not be signed: usually no credentials anywhere in the chain. */
export class SigningError extends PresignedUrlNonceError {
  constructor(cause: unknown) {
    super(`Could not sign the request with SigV4: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'SigningError';
  }
}

/** Redemption succeeded but fetching the object from S3 failed: the use is spent. */
export class ObjectDownloadError extends PresignedUrlNonceError {
  constructor(readonly status: number) {
    super(`The object could not be downloaded from S3 (HTTP ${status}); the use was consumed.`);
    this.name = 'ObjectDownloadError';
  }
}

/**
 * The upload nonce was redeemed (its use is spent) but the object did not reach S3: S3 refused the form
 * (`s3Code`: EntityTooLarge, AccessDenied once the POST expired, …), or the file is over `maxBytes` or
 * empty, and nothing was sent.
 */
export class ObjectUploadError extends PresignedUrlNonceError {
  constructor(
    message: string,
    /** S3's HTTP status; undefined when nothing was sent. */
    readonly status?: number,
    /** S3's error code from its XML answer, when there was one. */
    readonly s3Code?: string,
  ) {
    super(message);
    this.name = 'ObjectUploadError';
  }
}

/**
 * The nonce was minted with `confirm`: a GET only shows its offer, and nothing was used. Redeem it with
 * `method: 'POST'` (the CLI's `redeem` does). `expiresAt` and `usesLeft` are known when the offer was JSON.
 */
export class ConfirmationRequiredError extends PresignedUrlNonceError {
  constructor(
    readonly expiresAt?: Date,
    readonly usesLeft?: number,
  ) {
    super(
      "This link asks for confirmation (it was minted with confirm): nothing was used. Redeem it with method 'POST'.",
    );
    this.name = 'ConfirmationRequiredError';
  }
}

export const isApiErrorCode = (value: string): value is ApiErrorCode =>
  (API_ERROR_CODES as readonly string[]).includes(value);

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'the endpoint';
  }
};

/** undici wraps the interesting part (ECONNREFUSED, ENOTFOUND) in `cause`. */
const describeCause = (cause: unknown): string => {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${inner.message})` : inner.message;
  }
  return String(inner);
};
