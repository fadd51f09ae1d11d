import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError } from '../../../lambda/core/errors.js';
import { issueNonce } from '../../../lambda/core/issue-nonce.js';
import { nonceStatus, revokeNonce } from '../../../lambda/core/manage-nonce.js';
import { FakeObjectStore, InMemoryNonceStore, manualClock } from '../../support/fakes.js';

describe('producer management on in-memory fakes', () => {
  let nonces: InMemoryNonceStore;
  let clock: ReturnType<typeof manualClock>;
  const deps = () => ({ nonces, objects: new FakeObjectStore(), clock });
  const issue = (createdBy = 'arn:aws:iam::1:role/alice') =>
    issueNonce(deps(), { key: 'hello.txt', expiresInSeconds: 60, maxUses: 2, createdBy });

  beforeEach(() => {
    nonces = new InMemoryNonceStore();
    clock = manualClock();
  });

  it('shows the creator its nonce', async () => {
    const { nonceId } = await issue();
    expect(await nonceStatus(deps(), nonceId, 'arn:aws:iam::1:role/alice')).toMatchObject({
      nonceId,
      key: 'hello.txt',
      maxUses: 2,
      usesLeft: 2,
    });
  });

  it.each([
    ['another principal', 'arn:aws:iam::1:role/mallory', 0],
    ['an expired nonce', 'arn:aws:iam::1:role/alice', 61_000],
  ])('answers 404 for %s', async (_name, caller, advanceMs) => {
    const { nonceId } = await issue();
    clock.advance(advanceMs);
    await expect(nonceStatus(deps(), nonceId, caller)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers 404 for an unknown id and 400 for a malformed one, without a lookup', async () => {
    await expect(nonceStatus(deps(), 'A'.repeat(43), 'local')).rejects.toBeInstanceOf(NotFoundError);
    expect(nonces.calls.find).toBe(1);
    await expect(nonceStatus(deps(), 'nope', 'local')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(revokeNonce(deps(), `${'A'.repeat(42)}=`, 'local')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(nonces.calls.find).toBe(1);
    expect(nonces.calls.revoke).toBe(0);
  });

  it('lets only the creator revoke, once', async () => {
    const { nonceId } = await issue();
    await expect(revokeNonce(deps(), nonceId, 'arn:aws:iam::1:role/mallory')).rejects.toBeInstanceOf(NotFoundError);
    expect(nonces.items.has(nonceId)).toBe(true);
    await revokeNonce(deps(), nonceId, 'arn:aws:iam::1:role/alice');
    expect(nonces.items.has(nonceId)).toBe(false);
    await expect(revokeNonce(deps(), nonceId, 'arn:aws:iam::1:role/alice')).rejects.toBeInstanceOf(NotFoundError);
  });
});
