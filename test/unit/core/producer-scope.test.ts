import { describe, expect, it } from 'vitest';
import { KeyNotAllowedError } from '../../../lambda/core/errors.js';
import { checkKeyAllowed, prefixFor } from '../../../lambda/core/producer-scope.js';
import { loadGenerateUrlConfig } from '../../../lambda/shared/config.js';

const ALICE = 'arn:aws:sts::111122223333:assumed-role/alice';
const BOB = 'arn:aws:iam::111122223333:user/bob';
const scope = new Map([
  [ALICE, 'alice/'],
  ['*', 'shared/'],
]);

describe('the producer scope', () => {
  it('lets everyone mint anything when there is no scope', () => {
    expect(() => checkKeyAllowed(undefined, BOB, '../anything')).not.toThrow();
  });

  it('gives a named owner its own prefix and everyone else the "*" one', () => {
    expect(prefixFor(scope, ALICE)).toBe('alice/');
    expect(prefixFor(scope, BOB)).toBe('shared/');
    expect(() => checkKeyAllowed(scope, ALICE, 'alice/q1.pdf')).not.toThrow();
    expect(() => checkKeyAllowed(scope, BOB, 'shared/q1.pdf')).not.toThrow();
  });

  it.each([
    [ALICE, 'shared/q1.pdf'],
    [ALICE, 'alice'],
    [BOB, 'alice/q1.pdf'],
    [BOB, 'Shared/q1.pdf'],
  ])('refuses %s a key outside its prefix (%s)', (owner, key) => {
    expect(() => checkKeyAllowed(scope, owner, key)).toThrow(KeyNotAllowedError);
  });

  it('is an allow list: without "*", an owner not named may mint nothing', () => {
    const named = new Map([[ALICE, 'alice/']]);
    expect(() => checkKeyAllowed(named, BOB, 'alice/q1.pdf')).toThrow(/allows it no keys/);
    expect(() => checkKeyAllowed(named, ALICE, 'alice/q1.pdf')).not.toThrow();
  });

  it('takes "" as the whole bucket', () => {
    expect(() => checkKeyAllowed(new Map([['*', '']]), BOB, 'any/key')).not.toThrow();
  });
});

describe('PRODUCER_KEY_PREFIXES, parsed when GenerateURL loads', () => {
  const base = { TABLE_NAME: 'nonces', BUCKET_NAME: 'objects' };

  it('is off when unset, empty or {}', () => {
    expect(loadGenerateUrlConfig(base).producerKeyPrefixes).toBeUndefined();
    expect(loadGenerateUrlConfig({ ...base, PRODUCER_KEY_PREFIXES: '' }).producerKeyPrefixes).toBeUndefined();
    expect(loadGenerateUrlConfig({ ...base, PRODUCER_KEY_PREFIXES: '{}' }).producerKeyPrefixes).toBeUndefined();
  });

  it('reads owners and "*"', () => {
    const config = loadGenerateUrlConfig({
      ...base,
      PRODUCER_KEY_PREFIXES: JSON.stringify({ [ALICE]: 'a/', '*': '' }),
    });
    expect(config.producerKeyPrefixes).toEqual(
      new Map([
        [ALICE, 'a/'],
        ['*', ''],
      ]),
    );
  });

  it.each([
    ['not JSON', '{alice: 1}', /PRODUCER_KEY_PREFIXES must be a JSON object .*not JSON/],
    ['an array', '["a/"]', /PRODUCER_KEY_PREFIXES must be a JSON object/],
    ['a prefix that is not a string', JSON.stringify({ '*': 1 }), /PRODUCER_KEY_PREFIXES maps "\*" to 1/],
    ['a prefix over 1024 bytes', JSON.stringify({ '*': 'x'.repeat(1025) }), /at most 1024 bytes/],
    ['an empty owner', JSON.stringify({ ' ': 'a/' }), /PRODUCER_KEY_PREFIXES has an empty owner/],
    [
      'a session instead of its role',
      JSON.stringify({ [`${ALICE}/session`]: 'a/' }),
      /PRODUCER_KEY_PREFIXES names the session .* name "arn:aws:sts::111122223333:assumed-role\/alice"/,
    ],
  ])('refuses %s, naming the variable', (_, value, message) => {
    expect(() => loadGenerateUrlConfig({ ...base, PRODUCER_KEY_PREFIXES: value })).toThrow(message);
  });
});
