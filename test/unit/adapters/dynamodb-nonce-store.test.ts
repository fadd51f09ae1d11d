import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore, fromItem, toItem } from '../../../lambda/adapters/dynamodb-nonce-store.js';
import { DependencyUnavailableError, NonceCollisionError } from '../../../lambda/core/errors.js';
import type { NonceRecord } from '../../../lambda/core/ports.js';
import { conditionalCheckFailed, dynamoDbFaults } from '../../support/aws-faults.js';

const ddb = mockClient(DynamoDBClient);

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

describe('DynamoDbNonceStore', () => {
  const store = new DynamoDbNonceStore(new DynamoDBClient({ region: 'us-east-1' }), 'nonces');

  beforeEach(() => {
    ddb.reset();
  });

  it('maps a record to an item and back, with expiresAt as the numeric TTL attribute', () => {
    const item = toItem(record);
    expect(item.pk).toEqual({ S: record.nonceId });
    expect(item.expiresAt).toEqual({ N: '2000000000' });
    expect(fromItem(item)).toEqual(record);
    expect(fromItem({ pk: { S: 'x' } })).toBeUndefined();
  });

  it('stores confirm only when true, and reads an item without it as no confirm', () => {
    expect(toItem(record).confirm).toBeUndefined();
    expect(toItem({ ...record, confirm: false }).confirm).toBeUndefined();
    expect(toItem({ ...record, confirm: true }).confirm).toEqual({ BOOL: true });
    expect(fromItem(toItem({ ...record, confirm: true }))?.confirm).toBe(true);
    expect(fromItem(toItem(record))?.confirm).toBeUndefined();
  });

  it('turns a failed attribute_not_exists guard into a collision, and other faults into unavailability', async () => {
    ddb.on(PutItemCommand).rejectsOnce(conditionalCheckFailed());
    await expect(store.create(record)).rejects.toBeInstanceOf(NonceCollisionError);
    const [, fault] = dynamoDbFaults()[0] ?? [];
    ddb.on(PutItemCommand).rejects(fault);
    await expect(store.create(record)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('revokes with one DeleteItem conditional on the creator and liveness', async () => {
    ddb.on(DeleteItemCommand).resolvesOnce({}).rejects(conditionalCheckFailed());
    expect(await store.revoke(record.nonceId, record.createdBy, 1_999_999_500)).toBe(true);
    expect(await store.revoke(record.nonceId, 'arn:aws:iam::1:role/mallory', 1_999_999_500)).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one AND createdBy = :caller',
      ExpressionAttributeValues: {
        ':now': { N: '1999999500' },
        ':one': { N: '1' },
        ':caller': { S: 'arn:aws:iam::1:role/mallory' },
      },
    });
  });
});
