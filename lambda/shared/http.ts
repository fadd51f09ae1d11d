import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DependencyUnavailableError, DomainError, MethodNotAllowedError } from '../core/errors.js';
import type { Log } from './telemetry.js';

export const RETRY_AFTER_SECONDS = 2;

export type Headers = Record<string, string>;

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
}

/** Nothing this service answers may be cached: a nonce, an accessUrl or a presigned URL is a secret. */
export const NO_STORE: Headers = { 'Cache-Control': 'no-store' };

export const json = (statusCode: number, body: unknown, headers: Headers = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
  body: JSON.stringify(body),
});

export const errorJson = (statusCode: number, error: string, message: string, headers: Headers = {}) =>
  json(statusCode, { error, message } satisfies ErrorBody, headers);

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_json: 400,
  invalid_request: 400,
  object_not_found: 404,
  object_exists: 409,
  uploads_disabled: 400,
  not_found: 404,
  nonce_invalid: 403,
  caller_unidentified: 403,
  key_not_allowed: 403,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
};

export const serviceUnavailable = (): APIGatewayProxyResult =>
  errorJson(503, 'service_unavailable', 'The service is temporarily unavailable; retry later.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });

/**
 * The one place where errors become HTTP answers. Domain errors carry a code and a message written for
 * clients; anything else is logged (by name only: SDK messages may quote request data) and answered
 * with a generic body, so no stack trace, SDK message or internal name reaches a client.
 */
export const errorResponse = (error: unknown, log: Log): APIGatewayProxyResult => {
  if (error instanceof DependencyUnavailableError) {
    log.warn('dependency unavailable', { dependency: error.dependency, cause: causeName(error.cause) });
    return serviceUnavailable();
  }
  if (error instanceof DomainError) {
    const status = STATUS_BY_CODE[error.code] ?? 400;
    const headers: Headers = error instanceof MethodNotAllowedError ? { Allow: error.allowed } : {};
    return errorJson(status, error.code, error.message, headers);
  }
  log.error('unexpected error', { errorName: causeName(error) });
  return errorJson(500, 'internal_error', 'An internal error occurred.');
};

export const causeName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === 'object' && error !== null ? 'object' : typeof error;

/** Header lookup as HTTP means it: case-insensitive. */
export const headerOf = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
};

/** The body's size as received: API Gateway hands binary bodies over base64-encoded. */
export const bodyBytes = (event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): number => {
  if (event.body === null || event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
};

/** The media type of a Content-Type or Accept entry, without parameters, lower-cased. */
export const mediaTypeOf = (value: string | undefined): string | undefined =>
  value?.split(';', 1)[0]?.trim().toLowerCase() || undefined;
