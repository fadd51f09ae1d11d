import { beforeEach, describe, expect, it } from 'vitest';
import { authorizeNonce } from '../../../lambda/core/authorize-nonce.js';
import { DependencyUnavailableError, NonceInvalidError, ObjectNotFoundError } from '../../../lambda/core/errors.js';
import { issueNonce } from '../../../lambda/core/issue-nonce.js';
import { nonceIdOf } from '../../../lambda/core/nonce.js';
import { type Grant, redeemNonce } from '../../../lambda/core/redeem-nonce.js';
import { FakeObjectStore, InMemoryNonceStore, manualClock } from '../../support/fakes.js';

const grantOf = (store: InMemoryNonceStore, nonceId: string): Grant => {
  const record = store.items.get(nonceId);
  if (record === undefined) throw new Error('no such record');
  return { nonceId, key: record.key, maxUses: record.maxUses, expiresAt: record.expiresAt };
};

describe('the nonce lifecycle on in-memory fakes', () => {
  let nonces: InMemoryNonceStore;
  let objects: FakeObjectStore;
  let clock: ReturnType<typeof manualClock>;
  const deps = () => ({ nonces, objects, clock, presignTtlSeconds: 60 });

  beforeEach(() => {
    nonces = new InMemoryNonceStore();
    objects = new FakeObjectStore(['hello.txt']);
    clock = manualClock();
  });

  const issue = (overrides: { maxUses?: number; expiresInSeconds?: number } = {}) =>
    issueNonce(deps(), { key: 'hello.txt', expiresInSeconds: 60, maxUses: 1, createdBy: 'local', ...overrides });

  it('stores the hash and the rules, never the nonce', async () => {
    const issued = await issue({ maxUses: 3 });

    const stored = nonces.items.get(issued.nonceId);
    expect(stored).toMatchObject({ key: 'hello.txt', maxUses: 3, usesLeft: 3, createdBy: 'local' });
    expect(issued.nonceId).toBe(nonceIdOf(issued.nonce));
    expect(JSON.stringify([...nonces.items])).not.toContain(issued.nonce);
    expect(stored?.expiresAt).toBe(Math.ceil(clock() / 1000) + 60);
  });

  it('refuses to mint for a key that does not exist, writing nothing', async () => {
    await expect(
      issueNonce(deps(), { key: 'missing.txt', expiresInSeconds: 60, maxUses: 1, createdBy: 'local' }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(nonces.calls.create).toBe(0);
  });

  it('retries once with a fresh nonce on an id collision', async () => {
    let calls = 0;
    const random = (size: number) => Buffer.alloc(size, calls++ < 2 ? 1 : 2);
    const first = await issueNonce(
      { ...deps(), random },
      { key: 'hello.txt', expiresInSeconds: 60, maxUses: 1, createdBy: 'a' },
    );
    const second = await issueNonce(
      { ...deps(), random },
      { key: 'hello.txt', expiresInSeconds: 60, maxUses: 1, createdBy: 'b' },
    );
    expect(second.nonce).not.toBe(first.nonce);
    expect(nonces.calls.create).toBe(3);
  });

  it('denies a malformed nonce without touching the store', async () => {
    const decision = await authorizeNonce(deps(), 'not-a-nonce');
    expect(decision).toEqual({ allowed: false, reason: 'malformed' });
    expect(nonces.calls.find).toBe(0);
  });

  it('denies an unknown nonce, allows a live one, and denies it once expired', async () => {
    const issued = await issue({ expiresInSeconds: 5 });
    expect(await authorizeNonce(deps(), 'B'.repeat(43))).toMatchObject({ allowed: false, reason: 'unknown' });
    expect(await authorizeNonce(deps(), issued.nonce)).toMatchObject({ allowed: true });
    clock.advance(6_000);
    expect(await authorizeNonce(deps(), issued.nonce)).toMatchObject({ allowed: false, reason: 'expired' });
  });

  it('redeems a single-use nonce exactly once', async () => {
    const issued = await issue();
    const grant = grantOf(nonces, issued.nonceId);

    const redemption = await redeemNonce(deps(), grant);
    expect(redemption.usesLeft).toBe(0);
    expect(redemption.urlExpiresAtMs).toBe(Math.floor(clock() / 1000) * 1000 + 60_000);
    await expect(redeemNonce(deps(), grant)).rejects.toEqual(new NonceInvalidError('lost_race'));
    expect(nonces.items.has(issued.nonceId)).toBe(false);
  });

  it('redeems a maxUses = 3 nonce exactly three times', async () => {
    const issued = await issue({ maxUses: 3 });
    const grant = grantOf(nonces, issued.nonceId);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => redeemNonce(deps(), grant)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
  });

  it('refuses an expired nonce at redemption even though the record still exists', async () => {
    const issued = await issue({ expiresInSeconds: 1 });
    const grant = grantOf(nonces, issued.nonceId);
    clock.advance(2_000);
    await expect(redeemNonce(deps(), grant)).rejects.toEqual(new NonceInvalidError('expired'));
    expect(nonces.items.get(issued.nonceId)?.usesLeft).toBe(1);
  });

  it('consumes nothing when the presigner fails', async () => {
    const issued = await issue();
    objects.presignFailure = new DependencyUnavailableError('object-store');
    await expect(redeemNonce(deps(), grantOf(nonces, issued.nonceId))).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    expect(nonces.calls.consume).toBe(0);
    expect(nonces.items.get(issued.nonceId)?.usesLeft).toBe(1);
  });

  it('presigns with the configured life and the stored content disposition', async () => {
    const issued = await issueNonce(deps(), {
      key: 'hello.txt',
      expiresInSeconds: 60,
      maxUses: 1,
      createdBy: 'local',
      responseContentDisposition: 'attachment; filename="hello.txt"',
    });
    const record = nonces.items.get(issued.nonceId);
    await redeemNonce(deps(), {
      ...grantOf(nonces, issued.nonceId),
      responseContentDisposition: record?.responseContentDisposition ?? '',
    });
    expect(objects.presigned[0]).toMatchObject({
      key: 'hello.txt',
      expiresInSeconds: 60,
      responseContentDisposition: 'attachment; filename="hello.txt"',
    });
  });
});
