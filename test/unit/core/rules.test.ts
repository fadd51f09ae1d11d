import { describe, expect, it } from 'vitest';
import { expiresAtFor, isExpired, takesUse, toIsoSeconds, unusableReason } from '../../../lambda/core/rules.js';

describe('expiry rules', () => {
  it('rounds the mint time up to whole seconds before adding the lifetime', () => {
    expect(expiresAtFor(1_000_000_000_000, 60)).toBe(1_000_000_060);
    expect(expiresAtFor(1_000_000_000_001, 60)).toBe(1_000_000_061);
    expect(expiresAtFor(1_000_000_000_999, 1)).toBe(1_000_000_002);
  });

  it('is valid while now < expiresAt and expired from expiresAt on', () => {
    const expiresAt = 1_000_000_060;
    expect(isExpired(expiresAt, 1_000_000_059_999)).toBe(false);
    expect(isExpired(expiresAt, 1_000_000_060_000)).toBe(true);
    expect(isExpired(expiresAt, 1_000_000_061_000)).toBe(true);
  });

  it('names why a stored nonce is unusable, expiry first', () => {
    const now = 1_000_000_000_000;
    expect(unusableReason({ expiresAt: 1_000_000_001, usesLeft: 1 }, now)).toBeUndefined();
    expect(unusableReason({ expiresAt: 1_000_000_001, usesLeft: 0 }, now)).toBe('used_up');
    expect(unusableReason({ expiresAt: 1_000_000_000, usesLeft: 1 }, now)).toBe('expired');
    expect(unusableReason({ expiresAt: 1_000_000_000, usesLeft: 0 }, now)).toBe('expired');
  });

  it('formats epoch seconds as ISO 8601', () => {
    expect(toIsoSeconds(1_000_000_060)).toBe('2001-09-09T01:47:40.000Z');
  });
});

describe('which request takes a use', () => {
  it.each([
    ['GET', false, true],
    ['GET', true, false],
    ['POST', false, true],
    ['POST', true, true],
    ['HEAD', false, false],
    ['HEAD', true, false],
    ['OPTIONS', false, false],
    ['get', false, false],
  ] as const)('%s of a nonce with confirm %s: %s', (method, confirm, takes) => {
    expect(takesUse(method, confirm)).toBe(takes);
  });
});
