/**
 * The adapters against the emulators, where the two DynamoDB engines differ: DynamoDB returns the old
 * item with a failed condition when asked (ReturnValuesOnConditionCheckFailure: ALL_OLD), and so does
 * DynamoDB Local; dynalite ignores the parameter. The store must name the refusal right on both. And the
 * presigner's URLs, made without an S3 client, are served by the S3 emulator.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonceStoreFor } from '../../lambda/adapters/dynamodb-nonce-store.js';
import { presignerFor } from '../../lambda/adapters/s3-presigner.js';
import type { NonceRecord } from '../../lambda/core/ports.js';
import { type Emulators, LOCAL_REGION, startEmulators } from '../../local/emulators.js';

describe('the adapters on the emulators', () => {
  let emulators: Emulators;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const record = (nonceId: string, overrides: Partial<NonceRecord> = {}): NonceRecord => ({
    nonceId,
    key: 'hello.txt',
    expiresAt: nowSeconds + 600,
    maxUses: 3,
    usesLeft: 3,
    createdAt: nowSeconds,
    createdBy: 'local',
    ...overrides,
  });
  const store = () =>
    nonceStoreFor({
      aws: { region: LOCAL_REGION, dynamoDbEndpoint: emulators.dynamoDbEndpoint },
      tableName: emulators.tableName,
    });

  beforeAll(async () => {
    emulators = await startEmulators({
      dynamoDbPort: 0,
      s3Port: 0,
      tableName: 'adapters-test',
      bucketName: 'adapters-test',
    });
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('returns the old item with a failed condition on DynamoDB Local, as DynamoDB does, and none on dynalite', async () => {
    const nonces = store();
    await nonces.create(record('spent', { usesLeft: 0 }));
    const documents = DynamoDBDocumentClient.from(emulators.dynamoDb);
    const failure = await documents
      .send(
        new DeleteCommand({
          TableName: emulators.tableName,
          Key: { pk: 'spent' },
          ConditionExpression: 'usesLeft >= :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ConditionalCheckFailedException' });
    if (emulators.dynamoDbBackend === 'dynamodb-local') {
      // In AttributeValues: the DocumentClient leaves errors as DynamoDB sent them.
      expect(failure).toMatchObject({ Item: { pk: { S: 'spent' }, usesLeft: { N: '0' } } });
    } else {
      expect((failure as { Item?: unknown }).Item).toBeUndefined();
    }
  });

  it('names the refusal of a used-up nonce from the old item where the engine returns it', async () => {
    const nonces = store();
    await nonces.create(record('used-up', { usesLeft: 0 }));
    const outcome = await nonces.consume('used-up', nowSeconds, { maxUses: 3, expiresAt: nowSeconds + 600 });
    // Without the old item (dynalite) a live hint reads as a lost race; both are the same 403 to the client.
    const expected = emulators.dynamoDbBackend === 'dynamodb-local' ? 'used_up' : 'lost_race';
    expect(outcome).toEqual({ consumed: false, reason: expected });
  });

  it('names an expired nonce from the old item even when the hint says it is live', async () => {
    const nonces = store();
    await nonces.create(record('expired', { expiresAt: nowSeconds - 1 }));
    const outcome = await nonces.consume('expired', nowSeconds, { maxUses: 3, expiresAt: nowSeconds + 600 });
    const expected = emulators.dynamoDbBackend === 'dynamodb-local' ? 'expired' : 'lost_race';
    expect(outcome).toEqual({ consumed: false, reason: expected });
  });

  it('round-trips a record through the DocumentClient and consumes a multi-use nonce down to its removal', async () => {
    const nonces = store();
    const stored = record('multi', { maxUses: 2, usesLeft: 2, responseContentDisposition: 'inline' });
    await nonces.create(stored);
    expect(await nonces.find('multi')).toEqual(stored);
    const hint = { maxUses: 2, expiresAt: stored.expiresAt };
    expect(await nonces.consume('multi', nowSeconds, hint)).toEqual({ consumed: true, usesLeft: 1 });
    expect(await nonces.consume('multi', nowSeconds, hint)).toEqual({ consumed: true, usesLeft: 0 });
    expect(await nonces.find('multi')).toBeUndefined();
  });

  it.each([
    ['spaces and unicode', 'reports/Q1 2026 — résumé.txt'],
    ['+, ~ and several segments', 'a+b/~c/+d~.bin'],
  ])('presigns a key with %s, and the S3 emulator serves the very bytes', async (_name, key) => {
    const body = `the object at ${key}`;
    await emulators.s3.send(new PutObjectCommand({ Bucket: emulators.bucketName, Key: key, Body: body }));
    const presigner = presignerFor({
      aws: { region: LOCAL_REGION, s3Endpoint: emulators.s3Endpoint },
      bucketName: emulators.bucketName,
    });
    const url = await presigner.presignGet({
      key,
      expiresInSeconds: 60,
      signingDate: new Date(),
      responseContentDisposition: 'attachment; filename="x.txt"',
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="x.txt"');
  });
});
