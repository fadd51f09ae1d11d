import { describe, expect, it } from 'vitest';
import { itemSizeBytes } from '../../../scripts/bench/item-size.js';
import { median, percentile } from '../../../scripts/bench/stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles: every reported value is one that was measured', () => {
    const sample = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(sample, 50)).toBe(5);
    expect(percentile(sample, 99)).toBe(10);
    expect(percentile(sample, 0)).toBe(1);
  });

  it('takes the median of an odd and of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty sample', () => {
    expect(() => percentile([], 50)).toThrow('empty');
    expect(() => median([])).toThrow('empty');
  });
});

describe('bench item size, as DynamoDB counts it', () => {
  it('adds attribute names, UTF-8 strings, and numbers at one byte per two significant digits plus one', () => {
    expect(itemSizeBytes({ pk: { S: 'abc' } })).toBe(5);
    expect(itemSizeBytes({ k: { S: 'é' } })).toBe(3);
    expect(itemSizeBytes({ n: { N: '1732912345' } })).toBe(1 + 5 + 1);
    // Leading and trailing zeros are not significant.
    expect(itemSizeBytes({ n: { N: '1700000000' } })).toBe(1 + 1 + 1);
    expect(itemSizeBytes({ a: { S: 'x' }, b: { N: '7' } })).toBe(2 + 3);
  });
});
