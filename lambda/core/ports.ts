/** The ports of the domain: what it needs from storage, in its own words. Adapters implement them. */

export interface NonceRecord {
  /** base64url(SHA-256(nonce)); the nonce itself is never stored. */
  readonly nonceId: string;
  readonly key: string;
  /** Epoch seconds; valid while now < expiresAt. */
  readonly expiresAt: number;
  readonly maxUses: number;
  readonly usesLeft: number;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** The owner: the caller's principal ARN with an assumed role's session dropped (owner.ts); `local` by default in local mode. */
  readonly createdBy: string;
  readonly responseContentDisposition?: string;
  /**
   * A link for people: GET shows a confirmation page and never takes a use; only POST does (rules.ts).
   * Absent means false (items written before the option existed have none).
   */
  readonly confirm?: boolean;
  /**
   * An upload nonce: its redemption hands out a presigned POST for `key` instead of a GET. Absent means a
   * download (items written before uploads existed have none).
   */
  readonly upload?: UploadLimits;
}

/** What an upload nonce lets its consumer put: one object of 1 … maxBytes bytes, of this type when set. */
export interface UploadLimits {
  readonly maxBytes: number;
  /** The object's Content-Type, pinned exactly; absent leaves the consumer no Content-Type field. */
  readonly contentType?: string;
}

/** What a redemption knows of the nonce from the authorizer, so that consuming needs no read. */
export interface ConsumeHint {
  /** 1 lets the store consume with a single conditional delete. */
  readonly maxUses: number;
  /** Epoch seconds, used only to name the reason of a refusal. */
  readonly expiresAt: number;
}

export type ConsumeOutcome =
  | { readonly consumed: true; readonly usesLeft: number }
  | { readonly consumed: false; readonly reason: 'expired' | 'used_up' | 'lost_race' };

export interface NonceWriter {
  /** Stores a new record; throws NonceCollisionError when the id exists. */
  create(record: NonceRecord): Promise<void>;
}

export interface NonceReader {
  /** A strongly consistent read; undefined when absent. */
  find(nonceId: string): Promise<NonceRecord | undefined>;
}

export interface NonceConsumer {
  /**
   * Takes one use atomically, in one conditional write whose condition checks that the item exists,
   * is not expired at nowSeconds and has a use left. The item is deleted on its last use.
   */
  consume(nonceId: string, nowSeconds: number, hint: ConsumeHint): Promise<ConsumeOutcome>;
}

export interface NonceRevoker {
  /**
   * Deletes a live nonce created by `createdBy`, in one conditional write. False when there is no such
   * live nonce of that creator (unknown, used up, expired, or someone else's).
   */
  revoke(nonceId: string, createdBy: string, nowSeconds: number): Promise<boolean>;
}

export type NonceStore = NonceWriter & NonceReader & NonceConsumer & NonceRevoker;

export interface PresignRequest {
  readonly key: string;
  readonly expiresInSeconds: number;
  readonly signingDate: Date;
  readonly responseContentDisposition?: string;
}

/** A presigned POST (browser-based upload) for one key, as S3 reads it from a multipart/form-data form. */
export interface PresignedPost {
  /** The bucket's URL: the form's action. */
  readonly url: string;
  /** Every form field to send, in any order before the file (which goes last). */
  readonly fields: Readonly<Record<string, string>>;
  /** When the POST policy stops working, in epoch milliseconds. */
  readonly expiresAtMs: number;
}

export interface PresignPostRequest extends UploadLimits {
  readonly key: string;
  readonly expiresInSeconds: number;
}

export interface ObjectUploadPresigner {
  /**
   * A POST policy for exactly `key`, 1 … maxBytes bytes and the content type when set, signed locally (no
   * request to S3).
   */
  presignPost(request: PresignPostRequest): Promise<PresignedPost>;
}

export interface ObjectChecker {
  /** True when the object exists (HeadObject). */
  exists(key: string): Promise<boolean>;
}

export interface ObjectPresigner {
  /** A presigned GET URL; computed locally, no request to S3. */
  presignGet(request: PresignRequest): Promise<string>;
  /**
   * The origin (scheme, host and port) of every URL presignGet makes, known once the bucket's address is
   * (no request, no signing). A confirmation page's form is redirected there, and browsers check that
   * redirect against the page's CSP `form-action`.
   */
  presignedOrigin(): string;
}

export type ObjectStore = ObjectChecker & ObjectPresigner;

export type Clock = () => number;
