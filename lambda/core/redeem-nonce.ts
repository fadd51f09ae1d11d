import { NonceInvalidError } from './errors.js';
import type { Clock, NonceConsumer, ObjectPresigner } from './ports.js';
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
  const outcome = await deps.nonces.consume(grant.nonceId, epochSeconds(nowMs), {
    maxUses: grant.maxUses,
    expiresAt: grant.expiresAt,
  });
  if (!outcome.consumed) throw new NonceInvalidError(outcome.reason);
  return {
    url,
    urlExpiresAtMs: signingDate.getTime() + deps.presignTtlSeconds * 1000,
    usesLeft: outcome.usesLeft,
  };
};
