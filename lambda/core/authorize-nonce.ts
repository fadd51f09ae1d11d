import { isWellFormedNonce, nonceIdOf } from './nonce.js';
import type { Clock, NonceReader, NonceRecord } from './ports.js';
import { type DenialReason, unusableReason } from './rules.js';

export interface AuthorizeNonceDeps {
  readonly nonces: NonceReader;
  readonly clock: Clock;
}

export type Authorization =
  | { readonly allowed: true; readonly record: NonceRecord }
  | { readonly allowed: false; readonly reason: DenialReason; readonly nonceId?: string };

/**
 * Decides whether a presented nonce may reach AccessObject. A malformed nonce is refused before any
 * lookup (no DynamoDB call); expiry is checked here at read time, never left to TTL.
 */
export const authorizeNonce = async (deps: AuthorizeNonceDeps, nonce: string): Promise<Authorization> => {
  if (!isWellFormedNonce(nonce)) return { allowed: false, reason: 'malformed' };
  const nonceId = nonceIdOf(nonce);
  const record = await deps.nonces.find(nonceId);
  if (record === undefined) return { allowed: false, reason: 'unknown', nonceId };
  const reason = unusableReason(record, deps.clock());
  if (reason !== undefined) return { allowed: false, reason, nonceId };
  return { allowed: true, record };
};
