import { InvalidRequestError, NotFoundError } from './errors.js';
import { isWellFormedNonceId } from './nonce.js';
import type { Clock, NonceReader, NonceRecord, NonceRevoker } from './ports.js';
import { epochSeconds, unusableReason } from './rules.js';

/**
 * Producer management: a creator may read the status of its nonce and revoke it. Every other case —
 * unknown, used up, expired, or created by someone else — is the same 404, so a producer learns
 * nothing about nonces that are not its own.
 */

const NOT_FOUND_MESSAGE = 'No live nonce with this id was created by you.';

export const checkNonceId = (nonceId: string | undefined): string => {
  if (nonceId === undefined || !isWellFormedNonceId(nonceId)) {
    throw new InvalidRequestError('Path parameter "nonceId" must be 43 base64url characters.', 'nonceId');
  }
  return nonceId;
};

export interface NonceStatusDeps {
  readonly nonces: NonceReader;
  readonly clock: Clock;
}

export const nonceStatus = async (deps: NonceStatusDeps, nonceId: string, caller: string): Promise<NonceRecord> => {
  const record = await deps.nonces.find(checkNonceId(nonceId));
  if (record === undefined || record.createdBy !== caller || unusableReason(record, deps.clock()) !== undefined) {
    throw new NotFoundError(NOT_FOUND_MESSAGE);
  }
  return record;
};

export interface RevokeNonceDeps {
  readonly nonces: NonceRevoker;
  readonly clock: Clock;
}

/** Deletes the nonce at once; the authorizer's next strongly consistent read finds nothing. */
export const revokeNonce = async (deps: RevokeNonceDeps, nonceId: string, caller: string): Promise<void> => {
  const revoked = await deps.nonces.revoke(checkNonceId(nonceId), caller, epochSeconds(deps.clock()));
  if (!revoked) throw new NotFoundError(NOT_FOUND_MESSAGE);
};
