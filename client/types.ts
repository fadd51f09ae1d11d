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
  'object_exists',
  'object_not_found',
  'payload_too_large',
  'service_unavailable',
  'throttled',
  'unauthorized',
  'unsupported_media_type',
  'uploads_disabled',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** What a nonce lets its consumer do: read an object, or put one (when the stack enables uploads). */
export type Operation = 'download' | 'upload';

/** The POST /generate-url body; absent fields take the service's defaults (3600 s, one use). */
export interface GenerateInput {
  /**
   * Object key in the stack's bucket. A download's object must exist; an upload's key must be under the
   * stack's upload prefix and hold no object yet (unless `overwrite`).
   */
  readonly key: string;
  /** @default 'download' */
  readonly operation?: Operation;
  /** Uploads only, and required for them: the largest object accepted, 1 … 5 GiB. */
  readonly maxBytes?: number;
  /** Uploads only: the object's Content-Type, which the upload must then send exactly. */
  readonly contentType?: string;
  /** Uploads only: replace an object that exists at the key. @default false */
  readonly overwrite?: boolean;
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
  /** `download` from a service older than uploads. */
  readonly operation: Operation;
  /** Upload nonces: the largest object accepted. */
  readonly maxBytes?: number;
  /** Upload nonces: the pinned Content-Type, when one is. */
  readonly contentType?: string;
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
  readonly operation: Operation;
  readonly maxBytes?: number;
  readonly contentType?: string;
}

/**
 * An upload nonce redeemed: a presigned POST. Send `upload.fields` and then the file, last, as
 * multipart/form-data to `upload.url` before `expiresAt`; S3 refuses anything over `maxBytes`.
 */
export interface UploadGrant {
  readonly upload: {
    readonly method: 'POST';
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  /** When the presigned POST stops working: seconds after redemption. */
  readonly expiresAt: Date;
  readonly maxBytes: number;
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
