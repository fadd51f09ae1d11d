import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError, NonceCollisionError } from '../core/errors.js';
import type { ConsumeHint, ConsumeOutcome, NonceRecord, NonceStore } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { isConditionalCheckFailed } from './aws-errors.js';
import { createDynamoDbClient } from './clients.js';

type Item = Record<string, AttributeValue>;

/** Live = the item exists, has not expired and has a use left. Every consuming write carries it. */
const LIVE = 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one';

export const toItem = (record: NonceRecord): Item => ({
  pk: { S: record.nonceId },
  key: { S: record.key },
  expiresAt: { N: String(record.expiresAt) },
  maxUses: { N: String(record.maxUses) },
  usesLeft: { N: String(record.usesLeft) },
  createdAt: { N: String(record.createdAt) },
  createdBy: { S: record.createdBy },
  ...(record.responseContentDisposition === undefined
    ? {}
    : { responseContentDisposition: { S: record.responseContentDisposition } }),
  // Written only when true: absent reads as false, as for items minted before the option existed.
  ...(record.confirm === true ? { confirm: { BOOL: true } } : {}),
});

const numberOf = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

export const fromItem = (item: Item): NonceRecord | undefined => {
  const nonceId = item.pk?.S;
  const key = item.key?.S;
  const expiresAt = numberOf(item.expiresAt);
  const maxUses = numberOf(item.maxUses);
  const usesLeft = numberOf(item.usesLeft);
  const createdAt = numberOf(item.createdAt);
  const createdBy = item.createdBy?.S;
  if (
    nonceId === undefined ||
    key === undefined ||
    expiresAt === undefined ||
    maxUses === undefined ||
    usesLeft === undefined ||
    createdAt === undefined ||
    createdBy === undefined
  ) {
    return undefined;
  }
  const disposition = item.responseContentDisposition?.S;
  return {
    nonceId,
    key,
    expiresAt,
    maxUses,
    usesLeft,
    createdAt,
    createdBy,
    ...(disposition === undefined ? {} : { responseContentDisposition: disposition }),
    ...(item.confirm?.BOOL === true ? { confirm: true } : {}),
  };
};

const unavailable = (cause: unknown) => new DependencyUnavailableError('nonce-store', { cause });

/** The item DynamoDB returns with a failed condition (ReturnValuesOnConditionCheckFailure), if any. */
const itemOfFailure = (error: unknown): Item | undefined =>
  typeof error === 'object' && error !== null && 'Item' in error && typeof error.Item === 'object'
    ? (error.Item as Item)
    : undefined;

/**
 * Names the reason a consuming write was refused. DynamoDB returns the old item with the failure; an
 * absent item means another request took the last use after the authorizer saw it. (dynalite does not
 * return the item, so there the hint's expiry tells an expired nonce from a lost race.)
 */
const refusal = (error: unknown, nowSeconds: number, hint: ConsumeHint): ConsumeOutcome => {
  const old = itemOfFailure(error);
  const expiresAt = old === undefined ? hint.expiresAt : (numberOf(old.expiresAt) ?? hint.expiresAt);
  if (expiresAt <= nowSeconds) return { consumed: false, reason: 'expired' };
  if (old !== undefined && (numberOf(old.usesLeft) ?? 0) < 1) return { consumed: false, reason: 'used_up' };
  return { consumed: false, reason: 'lost_race' };
};

export class DynamoDbNonceStore implements NonceStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async create(record: NonceRecord): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error: unknown) {
      if (isConditionalCheckFailed(error)) throw new NonceCollisionError();
      throw unavailable(error);
    }
  }

  async find(nonceId: string): Promise<NonceRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        // Strongly consistent: a nonce used or revoked a moment ago must read as such.
        new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: nonceId } }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fromItem(Item);
    } catch (error: unknown) {
      throw unavailable(error);
    }
  }

  async consume(nonceId: string, nowSeconds: number, hint: ConsumeHint): Promise<ConsumeOutcome> {
    const values = { ':now': { N: String(nowSeconds) }, ':one': { N: '1' } };
    try {
      if (hint.maxUses === 1) {
        // Single use: the one conditional delete is the whole redemption — one write, no read.
        await this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: { pk: { S: nonceId } },
            ConditionExpression: LIVE,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { consumed: true, usesLeft: 0 };
      }
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: nonceId } },
          UpdateExpression: 'SET usesLeft = usesLeft - :one',
          ConditionExpression: LIVE,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const usesLeft = numberOf(Attributes?.usesLeft) ?? 0;
      if (usesLeft < 1) await this.removeSpent(nonceId);
      return { consumed: true, usesLeft };
    } catch (error: unknown) {
      if (isConditionalCheckFailed(error)) return refusal(error, nowSeconds, hint);
      throw unavailable(error);
    }
  }

  async revoke(nonceId: string, createdBy: string, nowSeconds: number): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: nonceId } },
          // Only the creator, and only while it is live: anything else is indistinguishable from unknown.
          ConditionExpression: `${LIVE} AND createdBy = :caller`,
          ExpressionAttributeValues: {
            ':now': { N: String(nowSeconds) },
            ':one': { N: '1' },
            ':caller': { S: createdBy },
          },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (isConditionalCheckFailed(error)) return false;
      throw unavailable(error);
    }
  }

  /**
   * Deletes a multi-use item whose last use was just taken. Best effort: the use is already consumed,
   * and an item left with usesLeft = 0 is refused by every read and condition until TTL removes it.
   */
  private async removeSpent(nonceId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: nonceId } },
          ConditionExpression: 'usesLeft < :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
    } catch {
      // Nothing to undo; see above.
    }
  }
}

/** The store a handler module builds once at load, from its parsed configuration. */
export const nonceStoreFor = (
  config: { readonly aws: AwsConfig; readonly tableName: string },
  options: { readonly maxAttempts?: number } = {},
): DynamoDbNonceStore =>
  new DynamoDbNonceStore(
    createDynamoDbClient({ region: config.aws.region, endpoint: config.aws.dynamoDbEndpoint, ...options }),
    config.tableName,
  );
