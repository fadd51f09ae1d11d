import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore, fromItem, toItem } from '../../../lambda/adapters/dynamodb-nonce-store.js';
import { DependencyUnavailableError, NonceCollisionError } from '../../../lambda/core/errors.js';
import type { NonceRecord } from '../../../lambda/core/ports.js';
import { conditionalCheckFailed, dynamoDbFaults } from '../../support/aws-faults.js';

const record: NonceRecord = {
  nonceId: 'i'.repeat(43),
  key: 'a/b.txt',
  expiresAt: 2_000_000_000,
  maxUses: 3,
  usesLeft: 3,
  createdAt: 1_999_999_000,
  createdBy: 'arn:aws:iam::1:role/alice',
  responseContentDisposition: 'inline',
};

describe('DynamoDbNonceStore on a mocked DocumentClient', () => {
  // This instance only: the suite below runs the real DocumentClient.
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const ddb = mockClient(documents);
  const store = new DynamoDbNonceStore(documents, 'nonces');

  beforeEach(() => {
    ddb.reset();
  });

  it('maps a record to an item and back, and refuses an item with a missing or mistyped attribute', () => {
    const item = toItem(record);
    expect(item).toMatchObject({ pk: record.nonceId, expiresAt: 2_000_000_000 });
    expect(Object.values(item)).not.toContain(undefined);
    expect(fromItem(item)).toEqual(record);
    expect(fromItem({ pk: 'x' })).toBeUndefined();
    expect(fromItem({ ...item, usesLeft: '3' })).toBeUndefined();
    const { responseContentDisposition: _, ...withoutDisposition } = record;
    expect(toItem(withoutDisposition)).not.toHaveProperty('responseContentDisposition');
  });

  it('stores confirm only when true, and reads an item without it as no confirm', () => {
    expect(toItem(record).confirm).toBeUndefined();
    expect(toItem({ ...record, confirm: false }).confirm).toBeUndefined();
    expect(toItem({ ...record, confirm: true }).confirm).toBe(true);
    expect(fromItem(toItem({ ...record, confirm: true }))?.confirm).toBe(true);
    expect(fromItem(toItem(record))?.confirm).toBeUndefined();
  });

  it('turns a failed attribute_not_exists guard into a collision, and other faults into unavailability', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionalCheckFailed());
    await expect(store.create(record)).rejects.toBeInstanceOf(NonceCollisionError);
    const [, fault] = dynamoDbFaults()[0] ?? [];
    ddb.on(PutCommand).rejects(fault);
    await expect(store.create(record)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('revokes with one DeleteItem conditional on the creator and liveness', async () => {
    ddb.on(DeleteCommand).resolvesOnce({}).rejects(conditionalCheckFailed());
    expect(await store.revoke(record.nonceId, record.createdBy, 1_999_999_500)).toBe(true);
    expect(await store.revoke(record.nonceId, 'arn:aws:iam::1:role/mallory', 1_999_999_500)).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one AND createdBy = :caller',
      ExpressionAttributeValues: { ':now': 1_999_999_500, ':one': 1, ':caller': 'arn:aws:iam::1:role/mallory' },
    });
  });
});

/**
 * The real DynamoDBClient and DocumentClient, down to the SDK's serializer and deserializer, with an
 * HTTP handler that records each request and answers what DynamoDB would: the wire format is pinned,
 * not a mock's view of the commands.
 */
describe('DynamoDbNonceStore on the wire', () => {
  interface Exchange {
    target: string;
    body: Record<string, unknown>;
  }
  const sent: Exchange[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: string }) => {
        sent.push({ target: request.headers['x-amz-target'] ?? '', body: JSON.parse(request.body) });
        return {
          response: new HttpResponse({
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new TextEncoder().encode(JSON.stringify(answer.body)),
          }),
        };
      },
    },
  });
  const documents = DynamoDBDocumentClient.from(client);
  const store = new DynamoDbNonceStore(documents, 'nonces');
  const nowSeconds = 1_999_999_500;
  const hint = { maxUses: 1, expiresAt: 2_000_000_000 };

  /** DynamoDB's answer to a failed condition with ReturnValuesOnConditionCheckFailure: ALL_OLD. */
  const conditionFailedWith = (item: Record<string, unknown> | undefined) => ({
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      ...(item === undefined ? {} : { Item: item }),
    },
  });

  beforeEach(() => {
    sent.length = 0;
    answer = { status: 200, body: {} };
  });

  it('writes the item as the AttributeValues the hand-written mapping sent, guarded by attribute_not_exists', async () => {
    await store.create(record);
    expect(sent).toEqual([
      {
        target: 'DynamoDB_20120810.PutItem',
        body: {
          TableName: 'nonces',
          Item: {
            pk: { S: record.nonceId },
            key: { S: 'a/b.txt' },
            expiresAt: { N: '2000000000' },
            maxUses: { N: '3' },
            usesLeft: { N: '3' },
            createdAt: { N: '1999999000' },
            createdBy: { S: 'arn:aws:iam::1:role/alice' },
            responseContentDisposition: { S: 'inline' },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  });

  it('reads with one strongly consistent GetItem and unmarshals the record', async () => {
    answer = {
      status: 200,
      body: { Item: { ...sentItem(record) } },
    };
    expect(await store.find(record.nonceId)).toEqual(record);
    expect(sent[0]).toEqual({
      target: 'DynamoDB_20120810.GetItem',
      body: { TableName: 'nonces', Key: { pk: { S: record.nonceId } }, ConsistentRead: true },
    });
  });

  it('consumes a single-use nonce with exactly one conditional DeleteItem', async () => {
    expect(await store.consume(record.nonceId, nowSeconds, hint)).toEqual({ consumed: true, usesLeft: 0 });
    expect(sent).toEqual([
      {
        target: 'DynamoDB_20120810.DeleteItem',
        body: {
          TableName: 'nonces',
          Key: { pk: { S: record.nonceId } },
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one',
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':one': { N: '1' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
  });

  it('leaves the old item of a failed condition in AttributeValues: the DocumentClient unmarshals outputs, not errors', async () => {
    answer = conditionFailedWith({ usesLeft: { N: '0' }, expiresAt: { N: '2000000000' } });
    const error = await documents
      .send(
        new DeleteCommand({ TableName: 'nonces', Key: { pk: 'x' }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { usesLeft: { N: '0' } } });
  });

  it.each([
    ['used up (the old item has no use left)', { usesLeft: { N: '0' }, expiresAt: { N: '2000000000' } }, 'used_up'],
    [
      'expired (the old item says so, whatever the hint)',
      { usesLeft: { N: '1' }, expiresAt: { N: String(nowSeconds) } },
      'expired',
    ],
    ['lost to a concurrent redemption (no old item)', undefined, 'lost_race'],
  ])('names a refused consume %s', async (_name, item, reason) => {
    answer = conditionFailedWith(item);
    expect(await store.consume(record.nonceId, nowSeconds, hint)).toEqual({ consumed: false, reason });
    expect(sent).toHaveLength(1);
  });

  it('falls back to the hint when the old item is unreadable, and never turns a refusal into a fault', async () => {
    // An AttributeValue type this SDK does not know: the deserializer keeps it as $unknown, unmarshall throws.
    answer = conditionFailedWith({ usesLeft: { N: '0' }, expiresAt: { NEW: '0' } });
    expect(await store.consume(record.nonceId, nowSeconds, { ...hint, expiresAt: nowSeconds })).toEqual({
      consumed: false,
      reason: 'expired',
    });
  });

  it('decrements a multi-use nonce with one UpdateItem and reads usesLeft from the unmarshalled answer', async () => {
    answer = { status: 200, body: { Attributes: { usesLeft: { N: '2' } } } };
    expect(await store.consume(record.nonceId, nowSeconds, { ...hint, maxUses: 3 })).toEqual({
      consumed: true,
      usesLeft: 2,
    });
    expect(sent.map((exchange) => exchange.target)).toEqual(['DynamoDB_20120810.UpdateItem']);
    expect(sent[0]?.body).toMatchObject({
      UpdateExpression: 'SET usesLeft = usesLeft - :one',
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });
});

/** The AttributeValues DynamoDB stores for a record (what the hand-written mapping wrote). */
const sentItem = (value: NonceRecord) => ({
  pk: { S: value.nonceId },
  key: { S: value.key },
  expiresAt: { N: String(value.expiresAt) },
  maxUses: { N: String(value.maxUses) },
  usesLeft: { N: String(value.usesLeft) },
  createdAt: { N: String(value.createdAt) },
  createdBy: { S: value.createdBy },
  ...(value.responseContentDisposition === undefined
    ? {}
    : { responseContentDisposition: { S: value.responseContentDisposition } }),
});
