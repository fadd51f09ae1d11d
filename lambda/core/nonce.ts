import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding: always 43 characters. */
export const NONCE_BYTES = 32;
export const NONCE_LENGTH = 43;

const NONCE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface MintedNonce {
  /** The secret handed to the producer once, in the 201 body. Never stored, never logged. */
  readonly nonce: string;
  /** base64url(SHA-256(nonce)): the table's partition key, safe to log and to show. */
  readonly nonceId: string;
}

export type RandomSource = (size: number) => Buffer;

export const nonceIdOf = (nonce: string): string => createHash('sha256').update(nonce, 'utf8').digest('base64url');

export const mintNonce = (random: RandomSource = randomBytes): MintedNonce => {
  const nonce = random(NONCE_BYTES).toString('base64url');
  return { nonce, nonceId: nonceIdOf(nonce) };
};

/** The shape check: anything that is not 43 base64url characters is denied before any lookup. */
export const isWellFormedNonce = (value: string): boolean => NONCE_SHAPE.test(value);

/** A nonceId has the same shape as a nonce (a base64url SHA-256 digest is 43 characters too). */
export const isWellFormedNonceId = isWellFormedNonce;
