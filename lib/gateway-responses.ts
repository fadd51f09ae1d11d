/**
 * The answers API Gateway gives by itself (before or instead of a handler), in the service's JSON
 * error shape. Plain data with no CDK import: the stack configures its Gateway Responses from it and
 * local mode answers from it, so both say the same thing.
 */

export interface GatewayResponseSpec {
  /** API Gateway's ResponseType. */
  readonly type: string;
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The same sentence AccessObject answers with, so a caller cannot tell which step refused a nonce. API
 * Gateway also answers an IAM deny on a producer route with ACCESS_DENIED, and its templates cannot
 * branch on the route: the sentence must be true for both.
 */
export const NONCE_INVALID_MESSAGE =
  'Access denied: the nonce is invalid, expired or already used, or the caller may not call this route.';

export const RETRY_AFTER_SECONDS = '2';

const SERVICE_UNAVAILABLE = {
  statusCode: 503,
  error: 'service_unavailable',
  message: 'The service is temporarily unavailable; retry later.',
  headers: { 'Retry-After': RETRY_AFTER_SECONDS },
} as const;

export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: {
    type: 'UNAUTHORIZED',
    statusCode: 401,
    error: 'unauthorized',
    message: 'A nonce is required: call /access-object?nonce=<nonce>.',
  },
  ACCESS_DENIED: { type: 'ACCESS_DENIED', statusCode: 403, error: 'nonce_invalid', message: NONCE_INVALID_MESSAGE },
  MISSING_AUTHENTICATION_TOKEN: {
    type: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 403,
    error: 'missing_authentication_token',
    message: 'Missing Authentication Token: no such route or method, or the request is not signed.',
  },
  // What API Gateway answers when the authorizer throws anything but "Unauthorized", times out or returns
  // an unusable result (docs/aws-behaviour.md): ValidateNonce throws when DynamoDB fails, so this is an
  // outage, and nothing was consumed.
  AUTHORIZER_CONFIGURATION_ERROR: { type: 'AUTHORIZER_CONFIGURATION_ERROR', ...SERVICE_UNAVAILABLE },
  // Documented as "failed to authenticate the caller"; which failures land here rather than above is not.
  // Configured the same, so either reading answers 503.
  AUTHORIZER_FAILURE: { type: 'AUTHORIZER_FAILURE', ...SERVICE_UNAVAILABLE },
  REQUEST_TOO_LARGE: {
    type: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    error: 'payload_too_large',
    message: 'The request is larger than API Gateway accepts.',
  },
  THROTTLED: {
    type: 'THROTTLED',
    statusCode: 429,
    error: 'throttled',
    message: 'Too many requests; slow down and retry later.',
  },
  INTEGRATION_TIMEOUT: {
    type: 'INTEGRATION_TIMEOUT',
    statusCode: 504,
    error: 'gateway_timeout',
    message: 'The service did not answer in time; retry later.',
  },
  // The entries below occur only on AWS (local mode has no request model, SigV4 or WAF).
  BAD_REQUEST_BODY: {
    type: 'BAD_REQUEST_BODY',
    statusCode: 400,
    error: 'invalid_request',
    message:
      'The body must be a JSON object with "key" (a non-empty string) and optionally "expiresInSeconds", "maxUses" (whole numbers from 1), "responseContentDisposition" (a string) and "confirm" (true or false); no other field and no null.',
  },
  INVALID_SIGNATURE: {
    type: 'INVALID_SIGNATURE',
    statusCode: 403,
    error: 'invalid_signature',
    message: 'The request signature does not match: sign the request with AWS Signature Version 4.',
  },
  EXPIRED_TOKEN: {
    type: 'EXPIRED_TOKEN',
    statusCode: 403,
    error: 'expired_token',
    message: 'The security token in the request has expired; refresh the credentials and sign again.',
  },
  WAF_FILTERED: {
    type: 'WAF_FILTERED',
    statusCode: 403,
    error: 'forbidden',
    message: 'The request was blocked by the web application firewall.',
  },
  DEFAULT_4XX: { type: 'DEFAULT_4XX', statusCode: 400, error: 'bad_request', message: 'The request was refused.' },
  DEFAULT_5XX: {
    type: 'DEFAULT_5XX',
    statusCode: 502,
    error: 'internal_error',
    message: 'An internal error occurred.',
  },
} as const satisfies Record<string, GatewayResponseSpec>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;
