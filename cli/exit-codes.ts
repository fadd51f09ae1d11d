import {
  ApiError,
  NetworkError,
  ObjectDownloadError,
  ObjectUploadError,
  PresignedUrlNonceError,
  SigningError,
  UnexpectedResponseError,
} from '../client/index.js';

/** The CLI's exit codes: a script can branch on them without reading any output. */
export const EXIT = {
  ok: 0,
  /** Anything not below: an invalid request the API refused (400), an unexpected answer, a local I/O error. */
  failure: 1,
  /** The command line itself: an unknown command or option, a missing or malformed value. */
  usage: 2,
  /** 401, 403 or 404: the nonce is refused, the nonce or object is not found, the call is not allowed. */
  deniedOrNotFound: 3,
  /** 503, 429 or 504 after the client's retries, or no answer at all: try again later. */
  unavailable: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line is wrong; the message says how. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose --help to point at, when there is one. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const exitCodeFor = (error: unknown): ExitCode => {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ApiError) {
    if (error.retryable) return EXIT.unavailable;
    if (error.status === 401 || error.status === 403 || error.status === 404) return EXIT.deniedOrNotFound;
    return EXIT.failure;
  }
  if (error instanceof NetworkError) return EXIT.unavailable;
  return EXIT.failure;
};

/**
 * The `error` of a `--json` failure: the API's own code for an ApiError, else a snake_case code of the
 * same kind, so a script reads one vocabulary.
 */
export const errorCodeFor = (error: unknown): string => {
  if (error instanceof ApiError) return error.code;
  if (error instanceof UsageError) return 'usage_error';
  if (error instanceof NetworkError) return 'network_error';
  if (error instanceof SigningError) return 'signing_error';
  if (error instanceof UnexpectedResponseError) return 'unexpected_response';
  if (error instanceof ObjectDownloadError) return 'object_download_failed';
  if (error instanceof ObjectUploadError) return 'object_upload_failed';
  if (error instanceof PresignedUrlNonceError) return 'client_error';
  // A local failure: writing --output, for one.
  return 'local_error';
};
