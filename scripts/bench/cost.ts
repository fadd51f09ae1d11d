/**
 * What a million redemptions cost at AWS list prices, from what the bench measured: DynamoDB requests
 * by kind and the item size they touch, handler durations, and one API Gateway request. Same memory and
 * architecture for both designs, as both run the same runtime.
 */
import type { RequestCounts } from './ddb-counter.js';

/** us-east-1 list prices (first tier where tiered), as published since DynamoDB's 1 Nov 2024 on-demand price cut. */
export const PRICES = {
  asOf: 'November 2024 (us-east-1 list prices; DynamoDB on-demand after its 1 Nov 2024 reduction)',
  dynamoDbWriteRequestUnitUsd: 0.625 / 1e6,
  dynamoDbReadRequestUnitUsd: 0.125 / 1e6,
  lambdaArmGbSecondUsd: 0.000_013_333_4,
  lambdaRequestUsd: 0.2 / 1e6,
  apiGatewayRestRequestUsd: 3.5 / 1e6,
} as const;

export const LAMBDA_MEMORY_MB = 512;

export interface RedemptionProfile {
  /** DynamoDB requests per redemption, by kind (see DynamoDbRequestCounter). */
  readonly requestsPerRedemption: RequestCounts;
  /** The item those requests read or delete, in bytes. */
  readonly itemBytes: number;
  /** Per invoked function, the billed duration in ms of one invocation (Lambda bills whole ms). */
  readonly billedMsPerInvocation: Readonly<Record<string, number>>;
}

export interface CostBreakdown {
  readonly apiGateway: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly dynamoDbReads: number;
  readonly dynamoDbWrites: number;
  readonly total: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/**
 * Capacity units of one request on an item of `itemBytes`. A strongly consistent read is 1 RRU per 4 KB,
 * an eventually consistent one half that; a write is 1 WRU per KB, and a failed conditional write is
 * billed too (the counts include every request sent).
 */
export const unitsOf = (kind: string, itemBytes: number): { read: number; write: number } => {
  if (kind === 'GetItem:consistent') return { read: Math.ceil(itemBytes / 4096), write: 0 };
  if (kind === 'GetItem:eventual') return { read: 0.5 * Math.ceil(itemBytes / 4096), write: 0 };
  if (WRITES.has(kind)) return { read: 0, write: Math.ceil(itemBytes / 1024) };
  throw new Error(`cost: no price for DynamoDB request kind ${kind}`);
};

/** US dollars per million redemptions. */
export const costPerMillionRedemptions = (profile: RedemptionProfile): CostBreakdown => {
  let readUnits = 0;
  let writeUnits = 0;
  for (const [kind, perRedemption] of Object.entries(profile.requestsPerRedemption)) {
    const units = unitsOf(kind, profile.itemBytes);
    readUnits += units.read * perRedemption;
    writeUnits += units.write * perRedemption;
  }
  const invocations = Object.keys(profile.billedMsPerInvocation).length;
  const gbSeconds = Object.values(profile.billedMsPerInvocation).reduce(
    (sum, ms) => sum + (ms / 1000) * (LAMBDA_MEMORY_MB / 1024),
    0,
  );
  const million = 1e6;
  const apiGateway = million * PRICES.apiGatewayRestRequestUsd;
  const lambdaRequests = million * invocations * PRICES.lambdaRequestUsd;
  const lambdaDuration = million * gbSeconds * PRICES.lambdaArmGbSecondUsd;
  const dynamoDbReads = million * readUnits * PRICES.dynamoDbReadRequestUnitUsd;
  const dynamoDbWrites = million * writeUnits * PRICES.dynamoDbWriteRequestUnitUsd;
  return {
    apiGateway,
    lambdaRequests,
    lambdaDuration,
    dynamoDbReads,
    dynamoDbWrites,
    total: apiGateway + lambdaRequests + lambdaDuration + dynamoDbReads + dynamoDbWrites,
    readUnits,
    writeUnits,
  };
};

/** Lambda rounds each invocation up to the next millisecond: the mean of the rounded durations. */
export const billedMs = (samples: readonly number[]): number =>
  samples.length === 0 ? 0 : samples.reduce((sum, ms) => sum + Math.ceil(ms), 0) / samples.length;
