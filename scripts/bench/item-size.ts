/**
 * The size of each design's item as DynamoDB bills it: read units come in 4 KB steps, write units
 * (a DeleteItem is billed on the item it deletes) in 1 KB steps. The original stores a presigned URL,
 * which makes its item several times larger than ours.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { nonceIdOf } from '../../lambda/core/nonce.js';
import type { Design, DesignName } from './designs.js';
import { mintMany } from './http-client.js';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** About one byte per two significant digits, plus one (DynamoDB's documented approximation). */
const numberBytes = (value: string): number => {
  const digits = value.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  throw new Error('item-size: an attribute type the designs do not use');
};

/** Attribute names plus values, as DynamoDB sizes an item. */
export const itemSizeBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

/** Mints one nonce in each design and sizes the item it stored (read with an uncounted client). */
export const measureItemSizes = async (
  designs: readonly Design[],
  reader: DynamoDBClient,
  deadlineMs: number,
): Promise<Record<DesignName, number>> => {
  const sizes: Partial<Record<DesignName, number>> = {};
  for (const design of designs) {
    const [nonce] = await mintMany(design.url, 1, 1, deadlineMs);
    const pk = design.name === 'ours' ? nonceIdOf(nonce as string) : (nonce as string);
    const { Item } = await reader.send(
      new GetItemCommand({ TableName: design.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    if (Item === undefined) throw new Error(`${design.name}: the item just minted is not in its table`);
    sizes[design.name] = itemSizeBytes(Item);
  }
  return { ours: sizes.ours ?? 0, baseline: sizes.baseline ?? 0 };
};
