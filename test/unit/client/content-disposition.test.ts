import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDispositionFor, PresignedUrlNonceError } from '../../../client/index.js';
import { generateUrlRequestSchema } from '../../../lambda/handlers/generate-url-request.js';

const schema = generateUrlRequestSchema({ maxExpiresInSeconds: 3600, maxUsesLimit: 10 });
/** What the service accepts: the handler's own schema, not a copy of its rule. */
const accepted = (disposition: string): boolean =>
  schema.safeParse({ key: 'a.txt', responseContentDisposition: disposition }).success;

/** The file name a browser reads back from filename* (RFC 5987: UTF-8, percent-encoded). */
const extendedName = (disposition: string): string | undefined => {
  const encoded = /; filename\*=UTF-8''([^;]*)$/.exec(disposition)?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
};

/** Any code point but a lone surrogate, ASCII (controls, quotes, backslash, percent) as often as the rest. */
const codePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
  )
  .map((code) => String.fromCodePoint(code));

describe('contentDispositionFor: a Content-Disposition S3 can echo, from any file name', () => {
  it('quotes a plain ASCII name and adds nothing else', () => {
    expect(contentDispositionFor('report 2026.pdf')).toBe('attachment; filename="report 2026.pdf"');
    expect(contentDispositionFor('q1.pdf', { type: 'inline' })).toBe('inline; filename="q1.pdf"');
  });

  it('carries a non-ASCII name in filename* (RFC 5987) behind an ASCII fallback (RFC 6266)', () => {
    expect(contentDispositionFor('résumé.pdf')).toBe(
      `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    );
    expect(contentDispositionFor('日本語.txt')).toBe(
      `attachment; filename="___.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt`,
    );
  });

  it('keeps quotes, backslashes and percent signs out of the quoted fallback', () => {
    const value = contentDispositionFor('a "b" \\c 100%.txt');
    expect(value).toBe(`attachment; filename="a _b_ _c 100_.txt"; filename*=UTF-8''a%20%22b%22%20%5Cc%20100%25.txt`);
    expect(extendedName(value)).toBe('a "b" \\c 100%.txt');
  });

  it('refuses an empty name and one whose encoding is longer than the service accepts', () => {
    expect(() => contentDispositionFor('')).toThrow(PresignedUrlNonceError);
    expect(() => contentDispositionFor('é'.repeat(100))).toThrow(/512/);
  });

  it('gives, for any name, a value the service accepts and that decodes back to the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: codePoint, minLength: 1, maxLength: 60 }), (name) => {
        const value = contentDispositionFor(name);
        expect(accepted(value), value).toBe(true);
        expect(extendedName(value) ?? /^attachment; filename="(.*)"$/.exec(value)?.[1]).toBe(name);
      }),
      { seed: 20_240_610, numRuns: 500 },
    );
  });
});
