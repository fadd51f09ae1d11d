/** What every AWS client of the handlers shares: where it goes, how long it waits, how often it tries. */

export interface ClientOptions {
  readonly region?: string;
  /** Local mode and tests point the clients at the emulators; unset on AWS. */
  readonly endpoint?: string;
  /** Attempts per request, retries included. @default 3 */
  readonly maxAttempts?: number;
}

/**
 * Short timeouts and few attempts: a DynamoDB or S3 outage must become a 503 well inside API Gateway's
 * 29 s integration timeout, not a Lambda timeout that API Gateway would turn into a 504.
 * Given as options, not as a NodeHttpHandler instance: the client builds its own handler from them.
 */
export const requestHandlerOptions = () => ({ connectionTimeout: 1_000, requestTimeout: 3_000 });

export const MAX_ATTEMPTS = 3;
