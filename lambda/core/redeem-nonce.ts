import { NonceInvalidError, UploadsDisabledError } from './errors.js';
import type {
  Clock,
  ConsumeOutcome,
  NonceConsumer,
  ObjectPresigner,
  ObjectUploadPresigner,
  PresignedPost,
  UploadLimits,
} from './ports.js';
import { epochSeconds } from './rules.js';

export interface RedeemNonceDeps {
  readonly nonces: NonceConsumer;
  readonly objects: ObjectPresigner;
  readonly clock: Clock;
  /** The presigned URL's life, in seconds. */
  readonly presignTtlSeconds: number;
}

/** What the authorizer read of the nonce: all of it immutable for the life of the item, but `usesLeft`. */
export interface Grant {
  readonly nonceId: string;
  readonly key: string;
  readonly maxUses: number;
  readonly expiresAt: number;
  readonly responseContentDisposition?: string;
  /** Absent means false: GET consumes. */
  readonly confirm?: boolean;
  /** The uses left when the authorizer read the item, for the confirmation page only: never trusted to consume. */
  readonly usesLeft?: number;
  /** An upload nonce: redeemed with a presigned POST (redeemUpload), never a GET. */
  readonly upload?: UploadLimits;
}

export interface Redemption {
  readonly url: string;
  /** When the presigned URL stops working, in epoch milliseconds. */
  readonly urlExpiresAtMs: number;
  readonly usesLeft: number;
}

/**
 * Takes one use and hands out a short-lived presigned URL. The URL is computed first (locally, no S3
 * request) so a presigner failure consumes nothing; it leaves this function only when the atomic
 * consume has succeeded, and it is never stored.
 */
export const redeemNonce = async (deps: RedeemNonceDeps, grant: Grant): Promise<Redemption> => {
  const nowMs = deps.clock();
  const signingDate = new Date(Math.floor(nowMs / 1000) * 1000);
  const url = await deps.objects.presignGet({
    key: grant.key,
    expiresInSeconds: deps.presignTtlSeconds,
    signingDate,
    ...(grant.responseContentDisposition === undefined
      ? {}
      : { responseContentDisposition: grant.responseContentDisposition }),
  });
  const usesLeft = await consume(deps, grant, nowMs);
  return { url, urlExpiresAtMs: signingDate.getTime() + deps.presignTtlSeconds * 1000, usesLeft };
};

/** The one conditional write that takes a use; a refusal is the same 403 whatever its reason. */
const consume = async (deps: { readonly nonces: NonceConsumer }, grant: Grant, nowMs: number): Promise<number> => {
  const outcome: ConsumeOutcome = await deps.nonces.consume(grant.nonceId, epochSeconds(nowMs), {
    maxUses: grant.maxUses,
    expiresAt: grant.expiresAt,
  });
  if (!outcome.consumed) throw new NonceInvalidError(outcome.reason);
  return outcome.usesLeft;
};

export interface RedeemUploadDeps {
  readonly nonces: NonceConsumer;
  /** Called only for upload nonces: a download never builds what it needs. Absent: uploads disabled. */
  readonly uploads?: () => Promise<ObjectUploadPresigner>;
  readonly clock: Clock;
  /** The presigned POST's life, in seconds. */
  readonly presignTtlSeconds: number;
  /** Where uploads may go now; undefined: uploads disabled since the nonce was minted. */
  readonly uploadKeyPrefix?: string;
}

export interface UploadRedemption {
  readonly post: PresignedPost;
  readonly maxBytes: number;
  readonly usesLeft: number;
}

/**
 * Takes one use of an upload nonce and hands out a presigned POST for its key. As for downloads, the
 * POST is signed first (locally) and leaves only once the consume succeeded, so a signing failure burns
 * nothing. A nonce whose key the stack no longer lets AccessObject write (uploads turned off, or another
 * prefix deployed since) is refused before anything is consumed: S3 would refuse the upload anyway.
 */
export const redeemUpload = async (deps: RedeemUploadDeps, grant: Grant): Promise<UploadRedemption> => {
  const limits = grant.upload;
  const prefix = deps.uploadKeyPrefix;
  if (limits === undefined || prefix === undefined || deps.uploads === undefined || !grant.key.startsWith(prefix)) {
    throw new UploadsDisabledError();
  }
  const presigner = await deps.uploads();
  const nowMs = deps.clock();
  const post = await presigner.presignPost({
    key: grant.key,
    maxBytes: limits.maxBytes,
    ...(limits.contentType === undefined ? {} : { contentType: limits.contentType }),
    expiresInSeconds: deps.presignTtlSeconds,
  });
  const usesLeft = await consume(deps, grant, nowMs);
  return { post, maxBytes: limits.maxBytes, usesLeft };
};
