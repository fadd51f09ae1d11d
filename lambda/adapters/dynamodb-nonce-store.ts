import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyUnavailableError, NonceCollisionError } from '../core/errors.js';
import type { ConsumeHint, ConsumeOutcome, NonceRecord, NonceStore, UploadLimits } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { isConditionalCheckFailed } from './aws-errors.js';
import { createDocumentClient } from './dynamodb-client.js';

/** An item as the DocumentClient reads it: plain strings and numbers. */
type Item = Readonly<Record<string, unknown>>;

/** Live = the item exists, has not expired and has a use left. Every consuming write carries it. */
const LIVE = 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one';

/** The item of a record, as the DocumentClient marshals it: `pk` is the nonceId, never the nonce. */
export const toItem = (record: NonceRecord): Item => ({
  pk: record.nonceId,
  key: record.key,
  expiresAt: record.expiresAt,
  maxUses: record.maxUses,
  usesLeft: record.usesLeft,
  createdAt: record.createdAt,
  createdBy: record.createdBy,
  ...(record.responseContentDisposition === undefined
    ? {}
    : { responseContentDisposition: record.responseContentDisposition }),
  // Written only when true: absent reads as false, as for items minted before the option existed.
  ...(record.confirm === true ? { confirm: true } : {}),
  // Written only for uploads: absent reads as a download, as for items minted before uploads existed.
  ...(record.upload === undefined
    ? {}
    : {
        operation: 'upload',
        maxBytes: record.upload.maxBytes,
        ...(record.upload.contentType === undefined ? {} : { contentType: record.upload.contentType }),
      }),
});

const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The record an item holds; undefined when an attribute is missing or of the wrong type. */
export const fromItem = (item: Item): NonceRecord | undefined => {
  const nonceId = stringOf(item.pk);
  const key = stringOf(item.key);
  const expiresAt = numberOf(item.expiresAt);
  const maxUses = numberOf(item.maxUses);
  const usesLeft = numberOf(item.usesLeft);
  const createdAt = numberOf(item.createdAt);
  const createdBy = stringOf(item.createdBy);
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
  const disposition = stringOf(item.responseContentDisposition);
  const upload = uploadOf(item);
  if (upload === null) return undefined;
  return {
    nonceId,
    key,
    expiresAt,
    maxUses,
    usesLeft,
    createdAt,
    createdBy,
    ...(disposition === undefined ? {} : { responseContentDisposition: disposition }),
    ...(item.confirm === true ? { confirm: true } : {}),
    ...(upload === undefined ? {} : { upload }),
  };
};

/** An upload item's limits; undefined for a download; null for an upload item without a usable size. */
const uploadOf = (item: Item): UploadLimits | undefined | null => {
  if (item.operation !== 'upload') return undefined;
  const maxBytes = numberOf(item.maxBytes);
  if (maxBytes === undefined) return null;
  const contentType = stringOf(item.contentType);
  return { maxBytes, ...(contentType === undefined ? {} : { contentType }) };
};

const unavailable = (cause: unknown) => new DependencyUnavailableError('nonce-store', { cause });

/**
 * The item DynamoDB returns with a failed condition (ReturnValuesOnConditionCheckFailure: ALL_OLD), if
 * any. The DocumentClient unmarshalls outputs, not errors: this Item arrives as AttributeValues
 * (test/unit/adapters/dynamodb-nonce-store.test.ts pins it on the SDK's own deserializer). Anything
 * unreadable counts as no item: the refusal is then named from the hint, never turned into a fault.
 */
const oldItemOf = (error: unknown): Item | undefined => {
  if (typeof error !== 'object' || error === null || !('Item' in error)) return undefined;
  const item = error.Item;
  if (typeof item !== 'object' || item === null) return undefined;
  try {
    return unmarshall(item as Parameters<typeof unmarshall>[0]);
  } catch {
    return undefined;
  }
};

/**
 * Names the reason a consuming write was refused. DynamoDB returns the old item with the failure; an
 * absent item means another request took the last use after the authorizer saw it. (dynalite does not
 * return the item, so there the hint's expiry tells an expired nonce from a lost race.)
 */
const refusal = (error: unknown, nowSeconds: number, hint: ConsumeHint): ConsumeOutcome => {
  const old = oldItemOf(error);
  const expiresAt = numberOf(old?.expiresAt) ?? hint.expiresAt;
  if (expiresAt <= nowSeconds) return { consumed: false, reason: 'expired' };
  if (old !== undefined && (numberOf(old.usesLeft) ?? 0) < 1) return { consumed: false, reason: 'used_up' };
  return { consumed: false, reason: 'lost_race' };
};

export class DynamoDbNonceStore implements NonceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: NonceRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
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
        new GetCommand({ TableName: this.tableName, Key: { pk: nonceId }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fromItem(Item);
    } catch (error: unknown) {
      throw unavailable(error);
    }
  }

  async consume(nonceId: string, nowSeconds: number, hint: ConsumeHint): Promise<ConsumeOutcome> {
    const values = { ':now': nowSeconds, ':one': 1 };
    try {
      if (hint.maxUses === 1) {
        // Single use: the one conditional delete is the whole redemption — one write, no read.
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: nonceId },
            ConditionExpression: LIVE,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { consumed: true, usesLeft: 0 };
      }
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: nonceId },
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
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: nonceId },
          // Only the creator, and only while it is live: anything else is indistinguishable from unknown.
          ConditionExpression: `${LIVE} AND createdBy = :caller`,
          ExpressionAttributeValues: { ':now': nowSeconds, ':one': 1, ':caller': createdBy },
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
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: nonceId },
          ConditionExpression: 'usesLeft < :one',
          ExpressionAttributeValues: { ':one': 1 },
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
    createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamoDbEndpoint, ...options }),
    config.tableName,
  );
