import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Every key the contract allows (1 to 1024 UTF-8 bytes) works in local mode as on S3. s3rver keeps each
 * key as a file path, and a path segment over 255 bytes once failed (a 500, even a crash on upload),
 * so GenerateURL answered 503 for any key of 250 bytes or more.
 */
const KEYS = [
  'k'.repeat(250),
  'k'.repeat(1024),
  `${'é'.repeat(511)}x`, // 1023 bytes in 512 characters
  `reports/${'q'.repeat(600)}/${'r'.repeat(400)}.pdf`,
  `a&b/${'&'.repeat(300)}/c&26d`, // the characters the stored form escapes
  'plain/short.txt',
];

describe('object keys of any length the contract allows, in the S3 emulator', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    for (const [index, key] of KEYS.entries()) {
      await stack.emulators.s3.send(
        new PutObjectCommand({ Bucket: stack.emulators.bucketName, Key: key, Body: `object ${index}` }),
      );
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(KEYS.map((key, index) => [Buffer.byteLength(key), key, index] as const))(
    'mints, redeems and serves a key of %i bytes',
    async (_bytes, key, index) => {
      const minted = await stack.mint({ key });
      expect(minted.statusCode, minted.body).toBe(201);

      const redirect = await stack.redeem(JSON.parse(minted.body).nonce);
      const object = await fetch(String(redirect.headers?.Location));

      expect(object.status).toBe(200);
      expect(await object.text()).toBe(`object ${index}`);
    },
  );

  it('lists every key exactly as it was stored, with a prefix too', async () => {
    const { Contents = [] } = await stack.emulators.s3.send(
      new ListObjectsV2Command({ Bucket: stack.emulators.bucketName }),
    );
    expect(Contents.map((object) => object.Key)).toEqual(expect.arrayContaining(KEYS));

    const prefixed = await stack.emulators.s3.send(
      new ListObjectsV2Command({ Bucket: stack.emulators.bucketName, Prefix: 'k'.repeat(300) }),
    );
    expect((prefixed.Contents ?? []).map((object) => object.Key)).toEqual(['k'.repeat(1024)]);
  });

  it('deletes a long key', async () => {
    const Key = `reports/${'q'.repeat(600)}/${'r'.repeat(400)}.pdf`;
    await stack.emulators.s3.send(new DeleteObjectCommand({ Bucket: stack.emulators.bucketName, Key }));
    await expect(
      stack.emulators.s3.send(new HeadObjectCommand({ Bucket: stack.emulators.bucketName, Key })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a key over 1024 bytes with KeyTooLongError, as S3 does, and keeps serving', async () => {
    const Key = 'k'.repeat(1025);
    await expect(
      stack.emulators.s3.send(new PutObjectCommand({ Bucket: stack.emulators.bucketName, Key, Body: 'x' })),
    ).rejects.toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    const again = await stack.emulators.s3.send(
      new GetObjectCommand({ Bucket: stack.emulators.bucketName, Key: 'plain/short.txt' }),
    );
    expect(await again.Body?.transformToString()).toBe(`object ${KEYS.indexOf('plain/short.txt')}`);
  });
});
