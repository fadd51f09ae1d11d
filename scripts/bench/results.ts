/** What one bench run measured, and the JSON line it prints (the keys issue 6 asks for, then extras). */
import type { FunctionKey } from './bundles.js';
import type { BuildName, ColdFunction, ColdStart } from './cold-start.js';
import type { CostBreakdown } from './cost.js';
import type { RequestCounts } from './ddb-counter.js';
import type { DesignName } from './designs.js';
import type { HandlerCpu } from './handler-cpu.js';
import type { Machine, MachineLoad } from './machine.js';
import type { PlacementName, Placements } from './placement.js';
import { median, percentile, round } from './stats.js';

export type PerDesign<T> = Readonly<Record<DesignName, T>>;
export type FunctionColdStarts = Readonly<Record<ColdFunction, readonly ColdStart[]>>;
export type BuildColdStarts = Readonly<Record<BuildName, FunctionColdStarts>>;

export interface BenchSettings {
  readonly redemptionsPerDesign: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly rejectionSamples: number;
  /** Redemptions per design, one at a time, for handler durations and unloaded latency. */
  readonly sequentialSamples: number;
  /** The simulated network round trip added to each DynamoDB request in one extra sequential pass. */
  readonly dynamoDbRoundTripMs: number;
  readonly roundTripSamples: number;
  readonly winnerRounds: number;
  readonly winnerConcurrency: number;
  readonly coldStartRuns: number;
  /** Redemptions per round of the handlers-alone CPU measurement (6 rounds; twice as many profiled). */
  readonly profiledRedemptions: number;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: Machine;
  readonly dynamoDbEngine: string;
  readonly settings: BenchSettings;
  /** DynamoDB requests per operation, by kind. */
  readonly perRedemption: PerDesign<RequestCounts>;
  readonly perMalformed: PerDesign<RequestCounts>;
  readonly perUnknown: PerDesign<RequestCounts>;
  readonly redemptionsPerSecond: PerDesign<number>;
  readonly cpuMsPerRedemption: PerDesign<number>;
  /** Under load (the throughput run). */
  readonly latenciesMs: PerDesign<readonly number[]>;
  /** One at a time, then one at a time with the simulated round trip. */
  readonly sequentialLatenciesMs: PerDesign<readonly number[]>;
  readonly roundTripLatenciesMs: PerDesign<readonly number[]>;
  readonly winners: PerDesign<readonly number[]>;
  readonly itemBytes: PerDesign<number>;
  /** Billed ms per invocation, by function, per design. */
  readonly billedMs: PerDesign<Readonly<Record<string, number>>>;
  readonly billedMsWithRoundTrip: PerDesign<Readonly<Record<string, number>>>;
  readonly cost: PerDesign<CostBreakdown>;
  readonly costWithRoundTrip: PerDesign<CostBreakdown>;
  readonly bundleBytes: Readonly<Record<FunctionKey, number>>;
  /** The measured handlers built with `@aws-sdk/*` external, as this project built them before. */
  readonly sdkExternalBundleBytes: Readonly<Record<ColdFunction, number>>;
  /** Cold starts of each build in each placement (one core: the method; all cores), interleaved in one run. */
  readonly coldStarts: Readonly<Record<PlacementName, BuildColdStarts>>;
  /** Where the cold-start children ran. */
  readonly placements: Placements;
  /** The 1-minute load average when the run started and when it ended. */
  readonly load: MachineLoad;
  /** The handlers alone, DynamoDB stubbed: CPU per redemption of both designs, and ours profiled. */
  readonly handlerCpu: HandlerCpu;
  readonly wallSeconds: number;
}

const total = (counts: RequestCounts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

const both = <T, R>(values: PerDesign<T>, f: (value: T) => R): { ours: R; baseline: R } => ({
  ours: f(values.ours),
  baseline: f(values.baseline),
});

export const coldInitMs = (runs: readonly ColdStart[]): number =>
  median(runs.map((run) => run.importMs + run.firstInvokeMs));

const ratio = (ours: number, baseline: number) => (baseline === 0 ? null : round(ours / baseline, 3));

/** Cold init (median import + first invocation, ms) of each measured function of one build. */
export const coldInits = (runs: FunctionColdStarts) => ({
  generateUrl: round(coldInitMs(runs.generateUrl), 1),
  validateNonce: round(coldInitMs(runs.validateNonce), 1),
  accessObject: round(coldInitMs(runs.accessObject), 1),
});

/**
 * The consumer's cold path: a rarely redeemed link meets a cold authorizer and then a cold AccessObject,
 * one after the other, so their cold inits add up.
 */
export const coldAccessPathMs = (runs: FunctionColdStarts): number =>
  round(coldInitMs(runs.validateNonce) + coldInitMs(runs.accessObject), 1);

/** Median CPU time (all threads) of the import and the first invocation of one function's cold starts. */
export const coldInitCpuMs = (runs: readonly ColdStart[]): number => median(runs.map((run) => run.cpuMs));

/** The cold path in CPU time: the authorizer's and AccessObject's medians added, as for coldAccessPathMs. */
export const coldAccessPathCpuMs = (runs: FunctionColdStarts): number =>
  round(coldInitCpuMs(runs.validateNonce) + coldInitCpuMs(runs.accessObject), 1);

/** The cold-start figures of one placement, both builds: the four keys issue 11 asks for. */
export const coldStartFigures = (builds: BuildColdStarts) => ({
  coldInitMs: coldInits(builds.ours),
  coldInitMsSdkExternal: coldInits(builds.sdkExternal),
  coldAccessPathMs: { ours: coldAccessPathMs(builds.ours), sdkExternal: coldAccessPathMs(builds.sdkExternal) },
  coldAccessPathCpuMs: {
    ours: coldAccessPathCpuMs(builds.ours),
    sdkExternal: coldAccessPathCpuMs(builds.sdkExternal),
  },
});

const quantiles = (ms: readonly number[]) => ({ p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) });

/** The last line of stdout: one JSON object. */
export const summaryJson = (results: BenchResults) => {
  const requests = (counts: PerDesign<RequestCounts>) => both(counts, (c) => round(total(c), 3));
  const latency = both(results.latenciesMs, quantiles);
  const cost = both(results.cost, (c) => round(c.total, 4));
  const perSecond = both(results.redemptionsPerSecond, (n) => round(n, 1));
  // One core per cold start, every thread sharing it, as a function's threads share its vCPU share.
  const cold = coldStartFigures(results.coldStarts.oneCore);
  return {
    ddbRequestsPerRedemption: requests(results.perRedemption),
    ddbRequestsPerMalformed: requests(results.perMalformed),
    ddbRequestsPerUnknown: requests(results.perUnknown),
    redemptionsPerSecond: perSecond,
    latencyMs: latency,
    concurrentWinners: both(results.winners, (rounds) => median(rounds)),
    bundleBytes: results.bundleBytes,
    coldInitMs: cold.coldInitMs,
    costPerMillionRedemptionsUsd: cost,
    // Beyond the keys issue 6 asks for:
    cpuMsPerRedemption: both(results.cpuMsPerRedemption, (ms) => round(ms, 2)),
    handlerCpuUsPerRedemption: both(results.handlerCpu.usPerRedemption, (us) => round(us, 0)),
    latencyMsOneAtATime: both(results.sequentialLatenciesMs, quantiles),
    [`latencyMsWith${results.settings.dynamoDbRoundTripMs}msDynamoDbRoundTrip`]: both(
      results.roundTripLatenciesMs,
      quantiles,
    ),
    [`costPerMillionRedemptionsUsdWith${results.settings.dynamoDbRoundTripMs}msDynamoDbRoundTrip`]: both(
      results.costWithRoundTrip,
      (c) => round(c.total, 4),
    ),
    itemBytes: results.itemBytes,
    oursOverBaseline: {
      ddbRequestsPerRedemption: ratio(total(results.perRedemption.ours), total(results.perRedemption.baseline)),
      redemptionsPerSecond: ratio(perSecond.ours, perSecond.baseline),
      latencyP50: ratio(latency.ours.p50, latency.baseline.p50),
      latencyP99: ratio(latency.ours.p99, latency.baseline.p99),
      costPerMillionRedemptions: ratio(cost.ours, cost.baseline),
      cpuMsPerRedemption: ratio(results.cpuMsPerRedemption.ours, results.cpuMsPerRedemption.baseline),
    },
    // The SDK bundled (ours) beside the same handlers with @aws-sdk/* left to the runtime, same method:
    coldInitMsSdkExternal: cold.coldInitMsSdkExternal,
    coldAccessPathMs: cold.coldAccessPathMs,
    // The same cold starts in CPU time, every thread's: what Lambda meters against a function's vCPU share.
    coldAccessPathCpuMs: cold.coldAccessPathCpuMs,
    // The same four, the children free to run on every core (the placement of earlier runs), interleaved.
    coldStartsAllCores: coldStartFigures(results.coldStarts.allCores),
    machine: {
      cores: results.machine.cores,
      // The cores each cold start of the fields above could use: 1 when pinned (taskset).
      coldStartCores: results.placements.oneCore.cores,
      loadAverage1mStart: round(results.load.start, 2),
      loadAverage1mEnd: round(results.load.end, 2),
    },
    settings: results.settings,
    dynamoDbEngine: results.dynamoDbEngine,
    date: results.date,
    wallSeconds: round(results.wallSeconds, 1),
  };
};
