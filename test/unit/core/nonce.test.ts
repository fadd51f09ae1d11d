import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWellFormedNonce, mintNonce, NONCE_LENGTH, nonceIdOf } from '../../../lambda/core/nonce.js';

describe('mintNonce', () => {
  it('makes 43 base64url characters from 32 random bytes', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    const { nonce } = mintNonce(() => bytes);
    expect(nonce).toHaveLength(NONCE_LENGTH);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(nonce, 'base64url').equals(bytes)).toBe(true);
  });

  it('asks the random source for exactly 32 bytes', () => {
    const sizes: number[] = [];
    mintNonce((size) => {
      sizes.push(size);
      return Buffer.alloc(size);
    });
    expect(sizes).toEqual([32]);
  });

  it('derives nonceId as base64url SHA-256 of the nonce, never the nonce itself', () => {
    const { nonce, nonceId } = mintNonce();
    expect(nonceId).toBe(createHash('sha256').update(nonce).digest('base64url'));
    expect(nonceId).not.toBe(nonce);
    expect(nonceIdOf(nonce)).toBe(nonceId);
  });

  it('gives a different nonce every time', () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => mintNonce().nonce));
    expect(nonces.size).toBe(1000);
  });
});

describe('isWellFormedNonce', () => {
  it.each([
    ['a minted nonce', mintNonce().nonce, true],
    ['43 of the URL-safe alphabet', `${'A'.repeat(41)}-_`, true],
    ['42 characters', 'A'.repeat(42), false],
    ['44 characters', 'A'.repeat(44), false],
    ['empty', '', false],
    ['standard base64 "+"', `${'A'.repeat(42)}+`, false],
    ['standard base64 "/"', `${'A'.repeat(42)}/`, false],
    ['padding', `${'A'.repeat(42)}=`, false],
    ['a space', `${'A'.repeat(42)} `, false],
    ['a newline at the end', `${'A'.repeat(43)}\n`, false],
    ['unicode letters', `${'A'.repeat(42)}é`, false],
    ['10 KB', 'A'.repeat(10_240), false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isWellFormedNonce(value)).toBe(expected);
  });
});
