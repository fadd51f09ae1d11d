import { describe, expect, it } from 'vitest';
import { billedMs, costPerMillionRedemptions, unitsOf } from '../../../scripts/bench/cost.js';

describe('bench cost model: capacity units', () => {
  it.each([
    ['GetItem:consistent', 120, { read: 1, write: 0 }],
    ['GetItem:consistent', 4_097, { read: 2, write: 0 }],
    ['GetItem:eventual', 395, { read: 0.5, write: 0 }],
    ['DeleteItem', 1_024, { read: 0, write: 1 }],
    ['DeleteItem', 1_025, { read: 0, write: 2 }],
    ['PutItem', 10, { read: 0, write: 1 }],
    ['UpdateItem', 2_048, { read: 0, write: 2 }],
  ])('%s on an item of %i bytes costs %o', (kind, bytes, units) => {
    expect(unitsOf(kind, bytes)).toEqual(units);
  });

  it('refuses a request kind it has no price for, rather than pricing it at zero', () => {
    expect(() => unitsOf('Scan:eventual', 100)).toThrow('no price for DynamoDB request kind Scan:eventual');
  });
});

describe('bench cost model: a million redemptions', () => {
  it('adds API Gateway, two Lambda invocations at 512 MB and the DynamoDB units at list prices', () => {
    const cost = costPerMillionRedemptions({
      requestsPerRedemption: { 'GetItem:consistent': 1, DeleteItem: 1 },
      itemBytes: 120,
      billedMsPerInvocation: { 'validate-nonce': 3, 'access-object': 5 },
    });

    expect(cost.apiGateway).toBeCloseTo(3.5, 10);
    expect(cost.lambdaRequests).toBeCloseTo(0.4, 10);
    // 8 ms at 0.5 GB = 0.004 GB-s per redemption.
    expect(cost.lambdaDuration).toBeCloseTo(4_000 * 0.000_013_333_4, 10);
    expect(cost.dynamoDbReads).toBeCloseTo(0.125, 10);
    expect(cost.dynamoDbWrites).toBeCloseTo(0.625, 10);
    expect(cost.total).toBeCloseTo(3.5 + 0.4 + 0.053_333_6 + 0.125 + 0.625, 6);
  });

  it('prices the original design: two eventually consistent reads and a delete of a 2 KB item', () => {
    const cost = costPerMillionRedemptions({
      requestsPerRedemption: { 'GetItem:eventual': 2, DeleteItem: 1 },
      itemBytes: 2_000,
      billedMsPerInvocation: { 'validate-nonce': 0, 'access-object': 0 },
    });

    expect(cost.readUnits).toBe(1);
    expect(cost.writeUnits).toBe(2);
    expect(cost.dynamoDbWrites).toBeCloseTo(1.25, 10);
  });
});

describe('bench cost model: billed duration', () => {
  it('rounds each invocation up to the millisecond before averaging, as Lambda bills', () => {
    expect(billedMs([0.2, 1.0, 2.01])).toBe((1 + 1 + 3) / 3);
    expect(billedMs([])).toBe(0);
  });
});
