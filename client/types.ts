/**
 * The API's shapes as a caller sees them. The client is a package of its own: it imports nothing from
 * lambda/, lib/ or local/ (test/unit/client/contract.test.ts holds these in agreement with them).
 */

/** Every `error` code the API answers with: the handlers' own and API Gateway's Gateway Responses. */
export const API_ERROR_CODES = [
  'bad_request',
  'caller_unidentified',
  'expired_token',
  'forbidden',
  'gateway_timeout',
  'internal_error',
  'invalid_json',
  'invalid_request',
  'invalid_signature',
  'key_not_allowed',
  'method_not_allowed',
  'missing_authentication_token',
  'nonce_invalid',
  'not_found',
  'object_not_found',
  'payload_too_large',
  'service_unavailable',
  'throttled',
  'unauthorized',
  'unsupported_media_type',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The POST /generate-url body; absent fields take the service's defaults (3600 s, one use). */
export interface GenerateInput {
  /** Object key in the stack's bucket; the object must exist. */
  readonly key: string;
  readonly expiresInSeconds?: number;
  readonly maxUses?: number;
  /** Passed to the presigned GET, e.g. `attachment; filename="report.pdf"`. */
  readonly responseContentDisposition?: string;
  /**
   * A link for people: opening accessUrl (GET) shows a confirmation page and takes no use, so link
   * previewers and mail scanners cannot spend it; only a POST (the page's button) does. Default false.
   */
  readonly confirm?: boolean;
}

/** A minted nonce. `nonce` and `accessUrl` are secrets: hand them to the consumer, never log them. */
export interface GeneratedNonce {
  readonly nonce: string;
  /** SHA-256 of the nonce, base64url: safe to log and to store; the id for status and revoke. */
  readonly nonceId: string;
  readonly accessUrl: string;
  readonly expiresAt: Date;
  readonly maxUses: number;
}

/** GET /nonces/{nonceId}: a live nonce as its creator sees it. */
export interface NonceStatus {
  readonly nonceId: string;
  readonly key: string;
  readonly expiresAt: Date;
  readonly maxUses: number;
  readonly usesLeft: number;
  readonly createdAt: Date;
  /** Minted with `confirm` (false from a service older than the option). */
  readonly confirm: boolean;
}

/** GET of a `confirm` nonce with `Accept: application/json`: nothing was used; POST `redeem.url` to use it. */
export interface ConfirmationOffer {
  readonly confirm: true;
  readonly redeem: { readonly method: 'POST'; readonly url: string };
  readonly expiresAt: Date;
  readonly usesLeft?: number;
}

/** GET /access-object with `Accept: application/json`: the presigned URL instead of a redirect. */
export interface RedeemedUrl {
  readonly url: string;
  /** When the presigned URL stops working: seconds after redemption. */
  readonly expiresAt: Date;
}

/** AWS credentials as the SDK's providers return them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type CredentialsProvider = () => Promise<Credentials>;

/** The subset of the WHATWG fetch the client calls; injectable for tests and proxies. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
