import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, MAX_KEY_BYTES } from '../../../local/s3rver-keys.js';

/** Keys S3 accepts: up to 1024 UTF-8 bytes of any code point but a lone surrogate, `/` and `&` often. */
const key = fc
  .string({
    unit: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('/', '&', 'k', '.', 'é', '日', '😀') },
      fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCodePoint(code)),
    ),
    minLength: 1,
    maxLength: 1024,
  })
  .filter((value) => Buffer.byteLength(value) <= MAX_KEY_BYTES);

describe("s3rver's stored form of a key", () => {
  it('reads back as the key, holds no path segment a file name cannot, and keeps prefixes prefixes', () => {
    fc.assert(
      fc.property(key, fc.nat(), (value, cut) => {
        const stored = encodeKey(value);
        expect(decodeKey(stored)).toBe(value);
        for (const segment of stored.split('/')) expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(201);
        // What ListObjects' prefix filtering relies on: a key's prefix is stored as a prefix of the key.
        const prefix = [...value].slice(0, cut % (value.length + 1)).join('');
        expect(stored.startsWith(encodeKey(prefix))).toBe(true);
      }),
      { seed: 20_240_612, numRuns: 300 },
    );
  });

  it('leaves an ordinary key as it is, so existing data folders keep their layout', () => {
    expect(encodeKey('reports/2026/q1 final.pdf')).toBe('reports/2026/q1 final.pdf');
  });
});
