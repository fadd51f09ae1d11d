import { describe, expect, it } from 'vitest';
import { countsOf } from '../../../scripts/bench/callgrind.js';

const file = (name: string, instructions: number) => ({
  name,
  text: `# callgrind format\nevents: Ir\nsummary: ${instructions}\ntotals: ${instructions}\n`,
});

describe('bench:instructions: reading callgrind output', () => {
  it('counts the main thread between the marks and every other thread over the run, in millions', () => {
    const counted = countsOf([
      file('callgrind-1.1-01', 100_000_000),
      file('callgrind-1.2-01', 245_300_000),
      file('callgrind-1.3-01', 74),
      file('callgrind-1-01', 2_000_000),
      file('callgrind-1-02', 6_000),
      file('callgrind-1-03', 120_000_000),
      file('callgrind-1-04', 4_000_000),
    ]);
    expect(counted).toEqual({ main: 245.3, otherThreads: 124 });
  });

  it('refuses output without the part between the marks, or without totals', () => {
    expect(() => countsOf([file('callgrind-1-01', 5)])).toThrow('counted nothing between the marks');
    expect(() => countsOf([{ name: 'callgrind-1.2-01', text: 'events: Ir\n' }])).toThrow('has no total');
  });
});
