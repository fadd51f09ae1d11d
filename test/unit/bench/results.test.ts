import { describe, expect, it } from 'vitest';
import { BUILDS, buildOrder, type ColdStart } from '../../../scripts/bench/cold-start.js';
import { costPerMillionRedemptions } from '../../../scripts/bench/cost.js';
import { overloaded } from '../../../scripts/bench/machine.js';
import { builtPerRequestLine, loadWarning, renderBenchmarks } from '../../../scripts/bench/report.js';
import { type BenchResults, coldAccessPathMs, summaryJson } from '../../../scripts/bench/results.js';
import { SETTINGS } from '../../../scripts/bench/settings.js';

const cold = (...initMs: number[]): ColdStart[] =>
  initMs.map((ms) => ({ bootMs: 40, importMs: ms - 10, firstInvokeMs: 10, cpuMs: ms - 5 }));

const profile = {
  redemptions: 300,
  samplingIntervalUs: 100,
  busyUsPerRedemption: 900,
  topFrames: [{ frame: 'presign node_modules/x.js:1', component: 'AWS SDK', selfUsPerRedemption: 20, share: 0.02 }],
  components: [{ component: 'AWS SDK', share: 0.3 }],
  builtPerRequest: [],
};

/** A run's results, with round numbers where the summary computes something from them. */
const results = (overrides: Partial<BenchResults> = {}): BenchResults => {
  const cost = costPerMillionRedemptions({
    requestsPerRedemption: { 'GetItem:consistent': 1, DeleteItem: 1 },
    itemBytes: 120,
    billedMsPerInvocation: { 'validate-nonce': 3, 'access-object': 4 },
  });
  return {
    date: '2026-11-30',
    machine: { cpu: 'test CPU', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20.20.2' },
    dynamoDbEngine: 'dynalite',
    settings: { ...SETTINGS, coldStartRuns: 3 },
    perRedemption: {
      ours: { 'GetItem:consistent': 1, DeleteItem: 1 },
      baseline: { 'GetItem:eventual': 2, DeleteItem: 1 },
    },
    perMalformed: { ours: {}, baseline: { 'GetItem:eventual': 1 } },
    perUnknown: { ours: { 'GetItem:consistent': 1 }, baseline: { 'GetItem:eventual': 1 } },
    redemptionsPerSecond: { ours: 400, baseline: 350 },
    cpuMsPerRedemption: { ours: 4, baseline: 5 },
    latenciesMs: { ours: [1, 2, 3], baseline: [2, 3, 4] },
    sequentialLatenciesMs: { ours: [1], baseline: [2] },
    roundTripLatenciesMs: { ours: [11], baseline: [16] },
    winners: { ours: [1, 1, 1], baseline: [100, 90, 100] },
    itemBytes: { ours: 120, baseline: 395 },
    billedMs: {
      ours: { 'validate-nonce': 3, 'access-object': 4 },
      baseline: { 'validate-nonce': 3, 'access-object': 4 },
    },
    billedMsWithRoundTrip: {
      ours: { 'validate-nonce': 9, 'access-object': 10 },
      baseline: { 'validate-nonce': 9, 'access-object': 16 },
    },
    cost: { ours: cost, baseline: cost },
    costWithRoundTrip: { ours: cost, baseline: cost },
    bundleBytes: {
      generateUrl: 540_000,
      validateNonce: 387_000,
      accessObject: 393_000,
      nonceStatus: 375_000,
      revokeNonce: 375_000,
    },
    sdkExternalBundleBytes: { generateUrl: 70_000, validateNonce: 45_000, accessObject: 50_000 },
    coldStarts: {
      ours: { generateUrl: cold(80, 90, 100), validateNonce: cold(40, 50, 60), accessObject: cold(50, 60, 70) },
      sdkExternal: {
        generateUrl: cold(300, 310, 320),
        validateNonce: cold(150, 160, 170),
        accessObject: cold(160, 170, 180),
      },
    },
    load: { start: 0.5, end: 1.25 },
    handlerCpu: { usPerRedemption: { ours: 640, baseline: 800 }, profile },
    wallSeconds: 90.04,
    ...overrides,
  };
};

describe('bench summary: the last line of the run', () => {
  it('adds the SDK-external cold inits, the cold access path of both builds and the machine load', () => {
    const json = summaryJson(results());
    expect(json.coldInitMs).toEqual({ generateUrl: 90, validateNonce: 50, accessObject: 60 });
    expect(json.coldInitMsSdkExternal).toEqual({ generateUrl: 310, validateNonce: 160, accessObject: 170 });
    expect(json.coldAccessPathMs).toEqual({ ours: 110, sdkExternal: 330 });
    expect(json.coldAccessPathCpuMs).toEqual({ ours: 100, sdkExternal: 320 });
    expect(json.machine).toEqual({ cores: 2, loadAverage1mStart: 0.5, loadAverage1mEnd: 1.25 });
    expect(json.oursOverBaseline.cpuMsPerRedemption).toBe(0.8);
    expect(json.handlerCpuUsPerRedemption).toEqual({ ours: 640, baseline: 800 });
  });

  it('keeps every field it printed before', () => {
    const keys = Object.keys(summaryJson(results()));
    for (const key of [
      'ddbRequestsPerRedemption',
      'ddbRequestsPerMalformed',
      'ddbRequestsPerUnknown',
      'redemptionsPerSecond',
      'latencyMs',
      'concurrentWinners',
      'bundleBytes',
      'coldInitMs',
      'costPerMillionRedemptionsUsd',
      'cpuMsPerRedemption',
      'latencyMsOneAtATime',
      'latencyMsWith5msDynamoDbRoundTrip',
      'costPerMillionRedemptionsUsdWith5msDynamoDbRoundTrip',
      'itemBytes',
      'oursOverBaseline',
      'settings',
      'dynamoDbEngine',
      'date',
      'wallSeconds',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('adds the two cold inits of the access path, each a median', () => {
    expect(
      coldAccessPathMs({ generateUrl: cold(1), validateNonce: cold(30, 10, 20), accessObject: cold(5, 45, 25) }),
    ).toBe(45);
  });
});

describe('bench report: load and the side-by-side cold starts', () => {
  it('warns when the load average was above the core count at either end, and not otherwise', () => {
    expect(overloaded({ start: 2.5, end: 0.3 }, 2)).toBe(true);
    expect(overloaded({ start: 0.3, end: 2.01 }, 2)).toBe(true);
    expect(overloaded({ start: 2, end: 1.9 }, 2)).toBe(false);
    expect(loadWarning({ start: 0.1, end: 0.2 }, 2)).toEqual([]);
    expect(loadWarning({ start: 6.47, end: 5.1 }, 2).join('\n')).toContain(
      '6.47 at the start, 5.1 at the end) was above its 2',
    );
  });

  it('states the load in the report, warns above the cores, and quotes the cold path of both builds', () => {
    const idle = renderBenchmarks(results());
    expect(idle).toContain('- Load average (1 min): 0.5 at the start, 1.25 at the end');
    expect(idle).not.toContain('Warning: the machine was loaded');
    expect(idle).toContain('110 ms with the SDK bundled, 330 ms with it external: **0.33×**');
    expect(idle).toContain('The imports alone take\n90 ms and 310 ms (0.29×)');
    expect(idle).toMatch(
      /\| AccessObject \| 393,000 \| \*\*60\*\* \(50 \+ 10\) \| 50,000 \| \*\*170\*\* \(160 \+ 10\) \| 0\.35× \|/,
    );
    expect(idle).toContain('| ValidateNonce (authorizer) | 45 | 155 | 0.29× |');
    expect(idle).toContain('The cold path in CPU time: 100 ms bundled, 320 ms external: **0.31×**');
    expect(idle).toContain('512 MB gets 0.29 of one');
    const busy = renderBenchmarks(results({ load: { start: 4.2, end: 3.9 } }));
    expect(busy).toContain('Warning: the machine was loaded');
    expect(busy.indexOf('Warning: the machine was loaded')).toBeLessThan(busy.indexOf('## Results'));
  });

  it('says so when the profile caught something being built per request', () => {
    expect(builtPerRequestLine({ builtPerRequest: [] }).join(' ')).toContain('Nothing is built per request');
    expect(builtPerRequestLine({ builtPerRequest: ['S3Client'] }).join(' ')).toContain('**Built per request**');
  });
});

describe('bench cold starts: interleaving', () => {
  it('alternates which build goes first, run by run', () => {
    expect(buildOrder(0)).toEqual(BUILDS);
    expect(buildOrder(1)).toEqual([...BUILDS].reverse());
    expect(buildOrder(2)).toEqual(BUILDS);
  });
});
