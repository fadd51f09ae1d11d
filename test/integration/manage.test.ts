import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const ALICE = 'arn:aws:iam::111122223333:role/alice';
const MALLORY = 'arn:aws:iam::111122223333:role/mallory';

describe('producer management against the emulators', () => {
  let stack: TestStack;

  const mintAs = async (principal: string, body: Record<string, unknown>) => {
    const response = await stack.mint(body, {}, principal);
    expect(response.statusCode).toBe(201);
    return JSON.parse(response.body) as { nonce: string; nonceId: string };
  };

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('shows status with usesLeft, then 404 after the last use', async () => {
    const { nonce, nonceId } = await mintAs('local', { key: 'hello.txt', maxUses: 2 });
    const first = await stack.manage('GET', nonceId);
    expect(first.statusCode).toBe(200);
    const body = JSON.parse(first.body);
    expect(body).toMatchObject({ nonceId, key: 'hello.txt', maxUses: 2, usesLeft: 2 });
    expect(Object.keys(body).sort()).toEqual([
      'confirm',
      'createdAt',
      'expiresAt',
      'key',
      'maxUses',
      'nonceId',
      'operation',
      'usesLeft',
    ]);
    expect(body.confirm).toBe(false);
    expect(body.operation).toBe('download');
    expect(first.body).not.toContain(nonce);

    await stack.redeem(nonce);
    expect(JSON.parse((await stack.manage('GET', nonceId)).body).usesLeft).toBe(1);
    await stack.redeem(nonce);
    expect((await stack.manage('GET', nonceId)).statusCode).toBe(404);
  });

  it('revokes at once: 204, then the authorizer denies, then revoke again is 404', async () => {
    const { nonce, nonceId } = await mintAs('local', { key: 'hello.txt', maxUses: 5 });
    expect((await stack.manage('DELETE', nonceId)).statusCode).toBe(204);
    const redeemed = await stack.redeem(nonce);
    expect(redeemed.statusCode).toBe(403);
    expect(JSON.parse(redeemed.body).error).toBe('nonce_invalid');
    expect((await stack.manage('DELETE', nonceId)).statusCode).toBe(404);
  });

  it('lets every session of one role read and revoke what another session minted; another role cannot', async () => {
    const role = 'arn:aws:sts::111122223333:assumed-role/producer';
    const { nonceId } = await mintAs(`${role}/ecs-task-1`, { key: 'hello.txt', maxUses: 2 });
    const item = (await stack.scan()).find((candidate) => (candidate.pk as { S: string }).S === nonceId);
    expect(item?.createdBy).toEqual({ S: role });

    const other = await stack.manage('GET', nonceId, 'arn:aws:sts::111122223333:assumed-role/producer-2/ecs-task-1');
    expect(other.statusCode).toBe(404);
    expect((await stack.manage('GET', nonceId, `${role}/ecs-task-2`)).statusCode).toBe(200);
    expect((await stack.manage('DELETE', nonceId, `${role}/i-0123456789abcdef0`)).statusCode).toBe(204);
  });

  it('refuses status and revoke without a caller ARN with 403 caller_unidentified, and changes nothing', async () => {
    const { nonceId } = await mintAs('local', { key: 'hello.txt' });
    for (const method of ['GET', 'DELETE']) {
      const response = await stack.manage(method, nonceId, '');
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body).error).toBe('caller_unidentified');
    }
    expect((await stack.manage('GET', nonceId)).statusCode).toBe(200);
  });

  it("answers 404 to another principal's status and revoke, and changes nothing", async () => {
    const { nonce, nonceId } = await mintAs(ALICE, { key: 'hello.txt' });
    for (const principal of [MALLORY, 'local']) {
      for (const method of ['GET', 'DELETE']) {
        const response = await stack.manage(method, nonceId, principal);
        expect(response.statusCode).toBe(404);
        expect(JSON.parse(response.body).error).toBe('not_found');
      }
    }
    expect((await stack.manage('GET', nonceId, ALICE)).statusCode).toBe(200);
    expect((await stack.redeem(nonce)).statusCode).toBe(302);
  });

  it.each([
    ['a short id', 'abc', 400],
    ['a padded id', `${'A'.repeat(42)}=`, 400],
    ['an unknown id', 'A'.repeat(43), 404],
  ])('answers %s with %i in the JSON error shape', async (_name, nonceId, status) => {
    const before = JSON.stringify(await stack.scan());
    for (const method of ['GET', 'DELETE']) {
      const response = await stack.manage(method, nonceId);
      expect(response.statusCode).toBe(status);
      expect(Object.keys(JSON.parse(response.body)).sort()).toEqual(['error', 'message']);
    }
    expect(JSON.stringify(await stack.scan())).toBe(before);
  });
});
