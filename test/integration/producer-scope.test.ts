import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const REPORTS = 'arn:aws:sts::111122223333:assumed-role/reports';

describe('the producer scope against the emulators', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ keyPrefixes: new Map([[REPORTS, 'reports/']]) });
    await stack.emulators.s3.send(
      new PutObjectCommand({ Bucket: stack.emulators.bucketName, Key: 'reports/q1.txt', Body: 'q1' }),
    );
  });

  afterAll(async () => {
    await stack.stop();
  });

  it("mints under the caller's prefix, from any session of its role", async () => {
    const response = await stack.mint({ key: 'reports/q1.txt' }, {}, `${REPORTS}/ecs-task-1`);
    expect(response.statusCode).toBe(201);
    expect((await stack.redeem(JSON.parse(response.body).nonce)).statusCode).toBe(302);
  });

  it('refuses an existing or a missing key outside it with the same 403 key_not_allowed, writing nothing', async () => {
    const before = (await stack.scan()).length;
    for (const [key, principal] of [
      ['hello.txt', `${REPORTS}/ecs-task-1`],
      ['nothing-here.txt', `${REPORTS}/ecs-task-1`],
      ['reports/q1.txt', 'arn:aws:sts::111122223333:assumed-role/other/ecs-task-1'],
    ] as const) {
      const response = await stack.mint({ key }, {}, principal);
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body).error).toBe('key_not_allowed');
    }
    expect((await stack.scan()).length).toBe(before);
  });
});
