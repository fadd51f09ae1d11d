import { describe, expect, it } from 'vitest';
import {
  BUILDS,
  buildOrder,
  type ColdStart,
  coldStartTurns,
  TURNS_PER_RUN,
} from '../../../scripts/bench/cold-start.js';
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
      oneCore: {
        ours: { generateUrl: cold(80, 90, 100), validateNonce: cold(40, 50, 60), accessObject: cold(50, 60, 70) },
        sdkExternal: {
          generateUrl: cold(300, 310, 320),
          validateNonce: cold(150, 160, 170),
          accessObject: cold(160, 170, 180),
        },
      },
      allCores: {
        ours: { generateUrl: cold(70, 80, 90), validateNonce: cold(30, 40, 50), accessObject: cold(40, 50, 60) },
        sdkExternal: {
          generateUrl: cold(200, 210, 220),
          validateNonce: cold(100, 110, 120),
          accessObject: cold(110, 120, 130),
        },
      },
    },
    placements: { oneCore: { core: 1, cores: 1 }, allCores: { core: undefined, cores: 2 } },
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
    expect(json.machine).toEqual({ cores: 2, coldStartCores: 1, loadAverage1mStart: 0.5, loadAverage1mEnd: 1.25 });
    expect(json.oursOverBaseline.cpuMsPerRedemption).toBe(0.8);
    expect(json.handlerCpuUsPerRedemption).toEqual({ ours: 640, baseline: 800 });
  });

  it('takes the four cold-start fields from one core, and prints them again for all cores', () => {
    const json = summaryJson(results());
    expect(json.coldStartsAllCores).toEqual({
      coldInitMs: { generateUrl: 80, validateNonce: 40, accessObject: 50 },
      coldInitMsSdkExternal: { generateUrl: 210, validateNonce: 110, accessObject: 120 },
      coldAccessPathMs: { ours: 90, sdkExternal: 230 },
      coldAccessPathCpuMs: { ours: 80, sdkExternal: 220 },
    });
    expect(Object.keys(json.coldStartsAllCores).sort()).toEqual(
      ['coldAccessPathCpuMs', 'coldAccessPathMs', 'coldInitMs', 'coldInitMsSdkExternal'].sort(),
    );
  });

  it('says the cold starts ran on every core when they could not be pinned', () => {
    const unpinned = results({
      placements: {
        oneCore: { core: undefined, cores: 2 },
        allCores: { core: undefined, cores: 2 },
        unpinnedBecause: 'taskset (util-linux) is not installed',
      },
    });
    expect(summaryJson(unpinned).machine.coldStartCores).toBe(2);
    const report = renderBenchmarks(unpinned);
    expect(report).toContain('> **Not pinned: taskset (util-linux) is not installed.** Both placements ran unpinned');
    expect(report).toContain('- Cold starts: each unpinned, on 2 cores (taskset (util-linux) is not installed)');
    expect(renderBenchmarks(results())).not.toContain('Not pinned');
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
    expect(idle).toContain('on one core: 110 ms with the SDK bundled, 330 ms with it external: **0.33×**');
    expect(idle).toContain('The imports alone take\n90 ms and 310 ms (0.29×)');
    expect(idle).toContain('first request, 20 ms and 20 ms (1×)');
    expect(idle).toMatch(
      /\| AccessObject \| 393,000 \| \*\*60\*\* \(50 \+ 10\) \| 50,000 \| \*\*170\*\* \(160 \+ 10\) \| 0\.35× \|/,
    );
    expect(idle).toContain('The cold path in CPU time, one core: 100 ms bundled, 320 ms external: **0.31×**');
    expect(idle).toContain('512 MB gets 0.29 of one');
    expect(idle).toContain(
      '- Cold starts: each pinned to core 1 with `taskset -c 1`; the same again unpinned, on 2 cores',
    );
  });

  it('tables both placements, wall and CPU time, per function and for the cold path', () => {
    const report = renderBenchmarks(results());
    expect(report).toContain('| cold init, ms: **wall** (CPU) | one core (core 1): SDK bundled | SDK external |');
    expect(report).toContain(
      '| ValidateNonce (authorizer) | **50** (45) | **160** (155) | 0.31× (0.29×) | **40** (35) | **110** (105) | 0.36× (0.33×) |',
    );
    expect(report).toContain(
      "| **the consumer's cold path** (ValidateNonce + AccessObject) | **110** (100) | **330** (320) | 0.33× (0.31×) | **90** (80) | **230** (220) | 0.39× (0.36×) |",
    );
    expect(report).toContain('`coldStartsAllCores`');
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

  it('starts each build once in each placement per run, the order mirrored from one run to the next', () => {
    const label = (run: number) => coldStartTurns(run).map(({ placement, build }) => `${placement}/${build}`);
    expect(label(0)).toEqual(['oneCore/ours', 'oneCore/sdkExternal', 'allCores/ours', 'allCores/sdkExternal']);
    expect(label(1)).toEqual(['allCores/sdkExternal', 'allCores/ours', 'oneCore/sdkExternal', 'oneCore/ours']);
    expect(label(2)).toEqual(label(0));
    expect(new Set(label(7)).size).toBe(TURNS_PER_RUN);
    expect(TURNS_PER_RUN).toBe(4);
  });
});
