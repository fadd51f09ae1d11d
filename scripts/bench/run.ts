/**
 * `npm run bench`: every measurement in one run, in one process (the cold starts in child processes),
 * bounded by a deadline; writes docs/BENCHMARKS.md and prints the JSON summary as the last stdout line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulators, startEmulators } from '../../local/emulators.js';
import { buildBundles, buildSdkExternalBundles, FUNCTION_KEYS, type FunctionKey } from './bundles.js';
import { coldStartEvents, measureColdStarts, TURNS_PER_RUN } from './cold-start.js';
import { billedMs, costPerMillionRedemptions } from './cost.js';
import { perOperation, type RequestCounts } from './ddb-counter.js';
import { type Design, type DesignName, startDesign } from './designs.js';
import { BENCH_BUCKET, BENCH_TABLES } from './environment.js';
import { measureHandlerCpu } from './handler-cpu.js';
import { mintMany, redeemAll } from './http-client.js';
import { measureItemSizes } from './item-size.js';
import { describeMachine, loadAverage1m } from './machine.js';
import { describePlacement, resolvePlacements } from './placement.js';
import { renderBenchmarks } from './report.js';
import { countRejections, malformedNonces, unknownNonces } from './request-counts.js';
import { type BenchResults, summaryJson } from './results.js';
import { runSequential, type SequentialSamples } from './sequential.js';
import { SETTINGS } from './settings.js';
import { runInterleaved } from './throughput.js';
import { measureWinners } from './winners.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The whole run must end well inside 3 minutes on a 2-core machine; past this, it stops with an error. */
const BUDGET_MS = 170_000;

let phaseStarted = performance.now();
/** Progress on stderr (stdout ends with the JSON line), with the time the previous phase took. */
const progress = (message: string) => {
  const now = performance.now();
  process.stderr.write(`bench: (+${((now - phaseStarted) / 1000).toFixed(1)} s) ${message}\n`);
  phaseStarted = now;
};

/** JIT, connection pools and the emulators' first allocations, for both designs, before anything counts. */
const warmUp = async (designs: readonly Design[], deadlineMs: number) => {
  for (const design of designs) {
    const nonces = await mintMany(design.url, 300, SETTINGS.concurrency, deadlineMs);
    await redeemAll(design.url, nonces, SETTINGS.concurrency, deadlineMs);
  }
};

const perDesign = <T>(make: (name: DesignName) => T): Record<DesignName, T> => ({
  ours: make('ours'),
  baseline: make('baseline'),
});

/** One design and one kind at a time: a counter sees only the requests of the rejections being counted. */
const countAllRejections = async (pair: readonly [Design, Design], deadlineMs: number) => {
  const malformed = malformedNonces(SETTINGS.rejectionSamples);
  const perMalformed: Record<DesignName, RequestCounts> = { ours: {}, baseline: {} };
  const perUnknown: Record<DesignName, RequestCounts> = { ours: {}, baseline: {} };
  for (const design of pair) {
    const bad = await countRejections(design, malformed, deadlineMs);
    perMalformed[design.name] = perOperation(bad.requests, bad.samples);
    const absent = await countRejections(design, unknownNonces(design, SETTINGS.rejectionSamples), deadlineMs);
    perUnknown[design.name] = perOperation(absent.requests, absent.samples);
  }
  return { perMalformed, perUnknown };
};

/** What Lambda would bill per invocation of the two functions a redemption runs. */
const billedPerInvocation = (samples: SequentialSamples) => ({
  'validate-nonce': billedMs(samples.durations['validate-nonce'] ?? []),
  'access-object': billedMs(samples.durations['access-object'] ?? []),
});

const measureDesigns = async (emulators: Emulators, designs: Design[], deadlineMs: number) => {
  const ours = await startDesign('ours', emulators);
  designs.push(ours);
  const baseline = await startDesign('baseline', emulators);
  designs.push(baseline);
  const pair = [ours, baseline] as const;

  progress('warming up');
  await warmUp(pair, deadlineMs);
  progress('counting DynamoDB requests per rejected nonce');
  const rejections = await countAllRejections(pair, deadlineMs);
  progress(`redeeming ${SETTINGS.redemptionsPerDesign} nonces per design, interleaved`);
  const throughput = await runInterleaved(pair, {
    rounds: SETTINGS.rounds,
    perRound: SETTINGS.redemptionsPerDesign / SETTINGS.rounds,
    concurrency: SETTINGS.concurrency,
    deadlineMs,
  });
  progress('one redemption at a time: handler durations and latency');
  const sequential = await runSequential(pair, {
    rounds: 4,
    perRound: SETTINGS.sequentialSamples / 4,
    deadlineMs,
    dynamoDbRoundTripMs: 0,
  });
  progress(`the same with ${SETTINGS.dynamoDbRoundTripMs} ms added to every DynamoDB request`);
  const withRoundTrip = await runSequential(pair, {
    rounds: 2,
    perRound: SETTINGS.roundTripSamples / 2,
    deadlineMs,
    dynamoDbRoundTripMs: SETTINGS.dynamoDbRoundTripMs,
  });
  progress(`racing ${SETTINGS.winnerConcurrency} redemptions of one nonce, ${SETTINGS.winnerRounds} rounds`);
  const winners = await measureWinners(pair, {
    rounds: SETTINGS.winnerRounds,
    concurrency: SETTINGS.winnerConcurrency,
    deadlineMs,
  });
  const itemBytes = await measureItemSizes(pair, emulators.dynamoDb, deadlineMs);
  return { ours, ...rejections, throughput, sequential, withRoundTrip, winners, itemBytes };
};

export const runBench = async (): Promise<void> => {
  const started = performance.now();
  const loadAtStart = loadAverage1m();
  const deadlineMs = started + BUDGET_MS;
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  // Inside the repository: an SDK-external bundle run from here resolves @aws-sdk/* from node_modules.
  const outdir = mkdtempSync(join(cacheDir, 'bench-synth-'));
  const designs: Design[] = [];
  let emulators: Emulators | undefined;
  try {
    // First, while nothing is serving: synthesis blocks the event loop for seconds.
    progress('building the bundles as cdk synth does, and the measured ones with @aws-sdk/* external');
    const bundles = buildBundles(join(outdir, 'ours'));
    const cold = {
      generateUrl: bundles.generateUrl,
      validateNonce: bundles.validateNonce,
      accessObject: bundles.accessObject,
    };
    const builds = { ours: cold, sdkExternal: buildSdkExternalBundles(join(outdir, 'sdk-external'), cold) };
    progress('starting the emulators and both designs');
    emulators = await startEmulators({
      dynamoDbPort: 0,
      s3Port: 0,
      tableName: BENCH_TABLES.ours,
      bucketName: BENCH_BUCKET,
    });
    const measured = await measureDesigns(emulators, designs, deadlineMs);
    progress('the handlers alone, DynamoDB stubbed: CPU per redemption, and a profile of ours');
    const handlerCpu = await measureHandlerCpu({
      rounds: 6,
      perRound: SETTINGS.profiledRedemptions,
      profiled: SETTINGS.profiledRedemptions * 2,
    });

    const placements = resolvePlacements();
    progress(
      `cold-starting each bundle of both builds ${SETTINGS.coldStartRuns} times ${describePlacement(placements.oneCore)}` +
        `${placements.unpinnedBecause === undefined ? '' : ` (${placements.unpinnedBecause})`} and as many ` +
        `${describePlacement(placements.allCores)}, interleaved`,
    );
    // A fresh nonce for every AccessObject cold start, in both placements.
    const events = await coldStartEvents(measured.ours, SETTINGS.coldStartRuns * TURNS_PER_RUN, deadlineMs);
    const coldStarts = await measureColdStarts(
      builds,
      placements,
      { dynamoDbEndpoint: emulators.dynamoDbEndpoint, s3Endpoint: emulators.s3Endpoint, tableName: BENCH_TABLES.ours },
      events,
      SETTINGS.coldStartRuns,
      deadlineMs,
    );

    const { throughput, sequential, withRoundTrip, itemBytes } = measured;
    const perRedemption = perDesign((name) => perOperation(throughput[name].requests, throughput[name].redemptions));
    const costOf = (name: DesignName, billed: Readonly<Record<string, number>>) =>
      costPerMillionRedemptions({
        requestsPerRedemption: perRedemption[name],
        itemBytes: itemBytes[name],
        billedMsPerInvocation: billed,
      });
    const billed = perDesign((name) => billedPerInvocation(sequential[name]));
    const billedWithRoundTrip = perDesign((name) => billedPerInvocation(withRoundTrip[name]));
    const results: BenchResults = {
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      dynamoDbEngine: emulators.dynamoDbBackend,
      settings: SETTINGS,
      perRedemption,
      perMalformed: measured.perMalformed,
      perUnknown: measured.perUnknown,
      redemptionsPerSecond: perDesign((name) => throughput[name].redemptions / (throughput[name].elapsedMs / 1000)),
      cpuMsPerRedemption: perDesign((name) => throughput[name].cpuMs / throughput[name].redemptions),
      latenciesMs: perDesign((name) => throughput[name].latenciesMs),
      sequentialLatenciesMs: perDesign((name) => sequential[name].latenciesMs),
      roundTripLatenciesMs: perDesign((name) => withRoundTrip[name].latenciesMs),
      winners: measured.winners,
      itemBytes,
      billedMs: billed,
      billedMsWithRoundTrip: billedWithRoundTrip,
      cost: perDesign((name) => costOf(name, billed[name])),
      costWithRoundTrip: perDesign((name) => costOf(name, billedWithRoundTrip[name])),
      bundleBytes: Object.fromEntries(FUNCTION_KEYS.map((key) => [key, bundles[key].bytes])) as Record<
        FunctionKey,
        number
      >,
      sdkExternalBundleBytes: {
        generateUrl: builds.sdkExternal.generateUrl.bytes,
        validateNonce: builds.sdkExternal.validateNonce.bytes,
        accessObject: builds.sdkExternal.accessObject.bytes,
      },
      coldStarts,
      placements,
      load: { start: loadAtStart, end: loadAverage1m() },
      handlerCpu,
      wallSeconds: (performance.now() - started) / 1000,
    };
    writeFileSync(join(REPO_ROOT, 'docs', 'BENCHMARKS.md'), renderBenchmarks(results));
    progress('wrote docs/BENCHMARKS.md');
    process.stdout.write(`${JSON.stringify(summaryJson(results))}\n`);
  } finally {
    await Promise.all(designs.map((design) => design.stop()));
    await emulators?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
};
