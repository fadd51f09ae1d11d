import { KeyNotAllowedError } from './errors.js';

/**
 * Optional producer scope: which key prefix each owner (core/owner.ts) may mint nonces under. `*` is
 * everyone not named. It is an allow list: with a scope set, an owner neither named nor covered by `*`
 * may mint nothing. No scope at all (the default) lets every producer mint any key of the bucket.
 */
export type ProducerKeyPrefixes = ReadonlyMap<string, string>;

export const EVERYONE_ELSE = '*';

/** The prefix an owner may mint under, or undefined when the scope gives it none. */
export const prefixFor = (prefixes: ProducerKeyPrefixes, owner: string): string | undefined =>
  prefixes.get(owner) ?? prefixes.get(EVERYONE_ELSE);

/** Throws KeyNotAllowedError unless `owner` may mint a nonce for `key`; no scope allows everything. */
export const checkKeyAllowed = (prefixes: ProducerKeyPrefixes | undefined, owner: string, key: string): void => {
  if (prefixes === undefined) return;
  const prefix = prefixFor(prefixes, owner);
  if (prefix === undefined || !key.startsWith(prefix)) throw new KeyNotAllowedError(prefix);
};
