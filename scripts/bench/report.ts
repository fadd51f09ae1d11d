/** docs/BENCHMARKS.md, rendered from one run's results. */
import { BASELINE_URL_LIFETIME_SECONDS } from './baseline.js';
import type { FunctionKey } from './bundles.js';
import type { ColdFunction, ColdStart } from './cold-start.js';
import { type CostBreakdown, LAMBDA_MEMORY_MB, PRICES } from './cost.js';
import type { RequestCounts } from './ddb-counter.js';
import { type MachineLoad, overloaded } from './machine.js';
import { describePlacement, PLACEMENTS, type Placement } from './placement.js';
import type { ProfileSummary } from './profile.js';
import {
  type BenchResults,
  coldAccessPathCpuMs,
  coldAccessPathMs,
  coldInitCpuMs,
  coldInitMs,
  type FunctionColdStarts,
  type PerDesign,
  summaryJson,
} from './results.js';
import { median, percentile, round } from './stats.js';

export const BENCH_COMMAND = 'npm run bench';

const usd = (value: number) => `$${value.toFixed(4)}`;

const counts = (perOperation: RequestCounts): string => {
  const entries = Object.entries(perOperation).filter(([, n]) => n > 0);
  if (entries.length === 0) return '0';
  const sum = entries.reduce((total, [, n]) => total + n, 0);
  return `${round(sum, 3)} (${entries.map(([kind, n]) => `${kind.replace(':', ' ')} ${round(n, 3)}`).join(', ')})`;
};

const times = (ours: number, baseline: number, digits = 2) =>
  baseline === 0 ? '—' : `${round(ours / baseline, digits)}×`;

/** A table row comparing one number between the designs. */
const row = (metric: string, values: PerDesign<number>, digits = 2) =>
  `| ${metric} | ${round(values.ours, digits)} | ${round(values.baseline, digits)} | ${times(values.ours, values.baseline)} |`;

const at = (latencies: PerDesign<readonly number[]>, p: number): PerDesign<number> => ({
  ours: percentile(latencies.ours, p),
  baseline: percentile(latencies.baseline, p),
});

const FUNCTION_NAMES: Record<FunctionKey, string> = {
  generateUrl: 'GenerateURL',
  validateNonce: 'ValidateNonce (authorizer)',
  accessObject: 'AccessObject',
  nonceStatus: 'NonceStatus',
  revokeNonce: 'RevokeNonce',
};

const billedList = (billed: Readonly<Record<string, number>>): string =>
  Object.entries(billed)
    .map(([name, ms]) => `${name} ${round(ms, 2)}`)
    .join(', ');

const costRows = (cost: PerDesign<CostBreakdown>) => [
  '| USD per million redemptions | ours | original design |',
  '|---|---|---|',
  `| API Gateway | ${usd(cost.ours.apiGateway)} | ${usd(cost.baseline.apiGateway)} |`,
  `| Lambda requests | ${usd(cost.ours.lambdaRequests)} | ${usd(cost.baseline.lambdaRequests)} |`,
  `| Lambda duration | ${usd(cost.ours.lambdaDuration)} | ${usd(cost.baseline.lambdaDuration)} |`,
  `| DynamoDB reads (${round(cost.ours.readUnits, 2)} vs ${round(cost.baseline.readUnits, 2)} RRU) | ${usd(cost.ours.dynamoDbReads)} | ${usd(cost.baseline.dynamoDbReads)} |`,
  `| DynamoDB writes (${round(cost.ours.writeUnits, 2)} vs ${round(cost.baseline.writeUnits, 2)} WRU) | ${usd(cost.ours.dynamoDbWrites)} | ${usd(cost.baseline.dynamoDbWrites)} |`,
  `| **total** | **${usd(cost.ours.total)}** | **${usd(cost.baseline.total)}** |`,
];

const loadLine = (load: MachineLoad) => `${round(load.start, 2)} at the start, ${round(load.end, 2)} at the end`;

/** A warning, above the results, when other work kept the machine busier than its cores. */
export const loadWarning = (load: MachineLoad, cores: number): string[] =>
  overloaded(load, cores)
    ? [
        '',
        `> **Warning: the machine was loaded.** The 1-minute load average (${loadLine(load)}) was above its ${cores}`,
        '> cores: other processes competed for the CPU during this run, so every absolute figure below is',
        '> inflated and noisier than on an idle machine. The designs and builds were interleaved, so the ratios',
        '> hold better; re-run `npm run bench` on an idle machine before quoting absolute numbers.',
      ]
    : [];

const header = (results: BenchResults) => {
  const { machine } = results;
  return [
    '# Benchmarks',
    '',
    'This project beside the design it replaces, the original sample (the nonce stored in clear with a',
    `presigned URL valid ${BASELINE_URL_LIFETIME_SECONDS / 3600} h; an authorizer GetItem; in AccessObject a GetItem, then an unconditional`,
    'DeleteItem), both measured in one run on this machine, behind the same local API Gateway emulator and',
    'the same in-process DynamoDB and S3 emulators, a table each. The original is re-implemented for the',
    'bench only, in `scripts/bench/baseline.ts`.',
    '',
    `- Command: \`${BENCH_COMMAND}\` (loopback only; it rewrites this file and prints the JSON at the end as its last line)`,
    `- Date: ${results.date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; Node.js ${machine.node}`,
    `- Load average (1 min): ${loadLine(results.load)}`,
    `- Cold starts: each ${describePlacement(results.placements.oneCore)}${results.placements.unpinnedBecause === undefined ? '' : ` (${results.placements.unpinnedBecause})`}; the same again ${describePlacement(results.placements.allCores)}, interleaved`,
    `- Emulators: ${results.dynamoDbEngine} (DynamoDB), s3rver (S3), in the bench's process`,
    `- Wall time of the run: ${round(results.wallSeconds, 1)} s`,
    ...loadWarning(results.load, machine.cores),
  ];
};

const resultsSection = (results: BenchResults) => {
  const json = summaryJson(results);
  const { settings } = results;
  const rtt = settings.dynamoDbRoundTripMs;
  const winners = (rounds: readonly number[]) => `${median(rounds)} (rounds: ${rounds.join(', ')})`;
  return [
    '## Results',
    '',
    '| metric | ours | original design | ours ÷ original |',
    '|---|---|---|---|',
    `| DynamoDB requests per redemption | ${counts(results.perRedemption.ours)} | ${counts(results.perRedemption.baseline)} | ${times(json.ddbRequestsPerRedemption.ours, json.ddbRequestsPerRedemption.baseline)} |`,
    `| DynamoDB requests per malformed nonce | ${counts(results.perMalformed.ours)} | ${counts(results.perMalformed.baseline)} | — |`,
    `| DynamoDB requests per unknown nonce | ${counts(results.perUnknown.ours)} | ${counts(results.perUnknown.baseline)} | — |`,
    `| successes of ${settings.winnerConcurrency} concurrent redemptions of one single-use nonce, median of ${settings.winnerRounds} | ${winners(results.winners.ours)} | ${winners(results.winners.baseline)} | — |`,
    row(`redemptions per second (${settings.concurrency} concurrent)`, results.redemptionsPerSecond, 1),
    row(`latency p50, ms (${settings.concurrency} concurrent)`, at(results.latenciesMs, 50)),
    row(`latency p99, ms (${settings.concurrency} concurrent)`, at(results.latenciesMs, 99)),
    row('CPU ms per redemption (whole process)', results.cpuMsPerRedemption),
    row('latency p50, ms (one at a time)', at(results.sequentialLatenciesMs, 50)),
    row(`latency p50, ms (one at a time, +${rtt} ms per DynamoDB request)`, at(results.roundTripLatenciesMs, 50)),
    row('item size, bytes', results.itemBytes, 0),
    `| cost per million redemptions, USD | ${usd(results.cost.ours.total)} | ${usd(results.cost.baseline.total)} | ${times(results.cost.ours.total, results.cost.baseline.total, 3)} |`,
    '',
    `- Throughput and latency under load: ${settings.redemptionsPerDesign.toLocaleString('en-US')} redemptions per design of freshly minted`,
    `  single-use nonces through local HTTP (fetch, keep-alive), ${settings.concurrency} at a time, in ${settings.rounds} rounds that alternate`,
    '  which design goes first; minting is not timed. Latency is per request, client side, to the end of',
    "  the 302. CPU is the process's user + system time while redeeming, divided by the redemptions.",
    `- One at a time: ${settings.sequentialSamples} redemptions per design, interleaved in rounds; these give the handler durations`,
    `  of the cost model. Then ${settings.roundTripSamples} more per design with ${rtt} ms added before every DynamoDB request (a`,
    "  middleware on both designs' clients), a stand-in for the network the in-process emulator does not have.",
    "- DynamoDB requests: counted by a middleware on each design's client, once per attempt sent. Rejected",
    `  nonces: the same malformed strings for both designs, then well-formed nonces of each design's own`,
    `  format that were never minted, ${settings.rejectionSamples} of each, every one answered 403.`,
  ];
};

const COLD_FUNCTIONS: readonly ColdFunction[] = ['generateUrl', 'validateNonce', 'accessObject'];

const coldCell = (runs: readonly ColdStart[]) => {
  const importMs = round(median(runs.map((run) => run.importMs)), 1);
  const invokeMs = round(median(runs.map((run) => run.firstInvokeMs)), 1);
  return `**${round(coldInitMs(runs), 1)}** (${importMs} + ${invokeMs})`;
};

const coldRow = (key: FunctionKey, results: BenchResults): string => {
  const size = (bytes: number) => bytes.toLocaleString('en-US');
  if (!(COLD_FUNCTIONS as readonly string[]).includes(key)) {
    return `| ${FUNCTION_NAMES[key]} | ${size(results.bundleBytes[key])} | not measured | — | — | — |`;
  }
  const fn = key as ColdFunction;
  const ours = results.coldStarts.oneCore.ours[fn];
  const external = results.coldStarts.oneCore.sdkExternal[fn];
  return `| ${FUNCTION_NAMES[key]} | ${size(results.bundleBytes[key])} | ${coldCell(ours)} | ${size(results.sdkExternalBundleBytes[fn])} | ${coldCell(external)} | ${times(coldInitMs(ours), coldInitMs(external))} |`;
};

/** One part of the access path's cold starts (the imports, or the first invocations), each a median. */
const pathPart = (runs: FunctionColdStarts, part: 'importMs' | 'firstInvokeMs'): number =>
  round(median(runs.validateNonce.map((run) => run[part])) + median(runs.accessObject.map((run) => run[part])), 1);

/** Lambda's CPU for a function: one vCPU at 1,769 MB, in proportion below (docs/aws-behaviour.md). */
const VCPU_SHARE = LAMBDA_MEMORY_MB / 1769;

/** Wall and CPU ms of one build in one placement: `**wall** (CPU)`. */
const wallCpu = (wall: number, cpu: number) => `**${round(wall, 1)}** (${round(cpu, 1)})`;
const wallCpuRatio = (ours: [number, number], external: [number, number]) =>
  `${times(ours[0], external[0])} (${times(ours[1], external[1])})`;

/** A row of the placements table: for each placement, both builds and their ratio, wall (CPU). */
const placementRow = (label: string, results: BenchResults, measure: (runs: FunctionColdStarts) => [number, number]) =>
  `| ${label} | ${PLACEMENTS.map((placement) => {
    const ours = measure(results.coldStarts[placement].ours);
    const external = measure(results.coldStarts[placement].sdkExternal);
    return `${wallCpu(...ours)} | ${wallCpu(...external)} | ${wallCpuRatio(ours, external)}`;
  }).join(' | ')} |`;

const placementHeading = (placement: Placement) =>
  placement.core === undefined ? `${placement.cores} cores` : `core ${placement.core}`;

/** The one-core placement and why; a warning when the children could not be pinned. */
const methodParagraph = (results: BenchResults) => {
  const { oneCore, allCores, unpinnedBecause } = results.placements;
  return [
    `**One core per cold start.** Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB:`,
    `${round(VCPU_SHARE, 2)} of one at ${LAMBDA_MEMORY_MB} MB, for all of its threads ("Configure Lambda function memory", docs/aws-behaviour.md).`,
    "A Node.js process free to use this machine's cores runs V8's background threads (compilation, garbage",
    'collection) on a core its main thread is not using, which a function does not have. So each cold-start',
    `child runs ${describePlacement(oneCore)}: its threads take their time from that one core, as a`,
    "function's take theirs from its share of a vCPU. That is the method of `coldInitMs`,",
    '`coldInitMsSdkExternal`, `coldAccessPathMs` and `coldAccessPathCpuMs`, and of the tables below unless a',
    `column says otherwise. The same cold starts also ran ${describePlacement(allCores)}, the placement of the`,
    'runs before this method, interleaved with the pinned ones (each run starts every function once per build',
    'and placement, which goes first alternating run by run); their figures are under `coldStartsAllCores`',
    'in the JSON. One core is still more CPU than a 512 MB function has, so absolute cold starts on Lambda',
    'are longer than here; the ratios between the builds are what carries over.',
    ...(unpinnedBecause === undefined
      ? []
      : [
          '',
          `> **Not pinned: ${unpinnedBecause}.** Both placements ran unpinned on ${allCores.cores} cores, so the one-core`,
          '> figures are not one-core figures: they flatter a build whose background threads do much of its work.',
        ]),
  ];
};

const placementsTable = (results: BenchResults) => {
  const { placements } = results;
  const cpuOf = (runs: readonly ColdStart[]) => coldInitCpuMs(runs);
  return [
    'Both placements, each cold start in wall time and (in parentheses) CPU time: user + system, every thread',
    'of the process, from the import to the answer; median per function, build and placement:',
    '',
    `| cold init, ms: **wall** (CPU) | one core (${placementHeading(placements.oneCore)}): SDK bundled | SDK external | bundled ÷ external | all cores (${placementHeading(placements.allCores)}): SDK bundled | SDK external | bundled ÷ external |`,
    '|---|---|---|---|---|---|---|',
    ...COLD_FUNCTIONS.map((fn) =>
      placementRow(FUNCTION_NAMES[fn], results, (runs) => [coldInitMs(runs[fn]), cpuOf(runs[fn])]),
    ),
    placementRow("**the consumer's cold path** (ValidateNonce + AccessObject)", results, (runs) => [
      coldAccessPathMs(runs),
      coldAccessPathCpuMs(runs),
    ]),
  ];
};

const cpuParagraph = (results: BenchResults) => {
  const ours = coldAccessPathCpuMs(results.coldStarts.oneCore.ours);
  const external = coldAccessPathCpuMs(results.coldStarts.oneCore.sdkExternal);
  const allOurs = coldAccessPathMs(results.coldStarts.allCores.ours);
  const allExternal = coldAccessPathMs(results.coldStarts.allCores.sdkExternal);
  return [
    `The cold path in CPU time, one core: ${ours} ms bundled, ${external} ms external: **${times(ours, external)}**. On all cores the`,
    `cold path took ${allOurs} ms bundled and ${allExternal} ms external in wall time (**${times(allOurs, allExternal)}**). Where a build's CPU time`,
    'exceeds its wall time, threads other than the main one ran alongside it on a core the placement left',
    `them; pinned, they wait for the one core instead. On Lambda a function's CPU is its share of a vCPU,`,
    `whichever thread spends it: ${LAMBDA_MEMORY_MB} MB gets ${round(VCPU_SHARE, 2)} of one, so a CPU-bound cold start there lasts about`,
    'its CPU time divided by that share (docs/aws-behaviour.md).',
  ];
};

const bundleSection = (results: BenchResults) => {
  const all = PLACEMENTS.flatMap((placement) =>
    Object.values(results.coldStarts[placement]).flatMap((build) => Object.values(build).flat()),
  );
  const bootMs = median(all.map((run) => run.bootMs));
  const pinned = results.coldStarts.oneCore;
  const ours = coldAccessPathMs(pinned.ours);
  const external = coldAccessPathMs(pinned.sdkExternal);
  const imports = [pathPart(pinned.ours, 'importMs'), pathPart(pinned.sdkExternal, 'importMs')] as const;
  const invocations = [pathPart(pinned.ours, 'firstInvokeMs'), pathPart(pinned.sdkExternal, 'firstInvokeMs')] as const;
  return [
    '## Bundles and cold starts',
    '',
    'Two builds of the same handler modules, both with the bundling `cdk synth` uses (lib/functions.ts',
    '`BUNDLING`: esbuild, minified ESM): **SDK bundled**, what the stack ships, and **SDK external**, the',
    'way this project built them before, with `@aws-sdk/*` left to the runtime (resolved here from the',
    "repository's node_modules, as the Lambda runtime resolves them from its own copy, module by module;",
    'the `@smithy/*` modules the handlers import directly are bundled in both, as that configuration did).',
    'Cold start: a fresh `node` process imports the bundle and serves its first invocation against the',
    "emulators, with the function's environment from the template for both builds; AccessObject redeems a",
    `fresh nonce each time. Median of ${results.settings.coldStartRuns} runs per function, build and placement. Node's own start-up before`,
    `the import (median ${round(bootMs, 1)} ms here) is not included. What the cold starts skip: the authorizer builds no logger or`,
    'metrics for an Allow, AccessObject leaves its confirmation page for the first confirm GET, and the',
    'DynamoDB clients look up no shared config file when there is none (README, design decisions).',
    "`npm run bench:instructions` counts the same cold starts in instructions (valgrind's callgrind), which",
    "the machine's load does not move the way it moves milliseconds: the measure to compare changes by.",
    '',
    ...methodParagraph(results),
    '',
    `The cold starts on one core (${describePlacement(results.placements.oneCore)}):`,
    '',
    '| function | SDK bundled: index.mjs, bytes | cold init, ms (import + first invocation) | SDK external: index.mjs, bytes | cold init, ms (import + first invocation) | bundled ÷ external |',
    '|---|---|---|---|---|---|',
    ...(Object.keys(FUNCTION_NAMES) as FunctionKey[]).map((key) => coldRow(key, results)),
    '',
    `**The consumer's cold path** — a rarely redeemed link meets a cold ValidateNonce, then a cold AccessObject —`,
    `on one core: ${ours} ms with the SDK bundled, ${external} ms with it external: **${times(ours, external)}**. The imports alone take`,
    `${imports[0]} ms and ${imports[1]} ms (${times(...imports)}); the first invocations, which open the connection and run the SDK's`,
    `first request, ${invocations[0]} ms and ${invocations[1]} ms (${times(...invocations)}).`,
    '',
    ...placementsTable(results),
    '',
    ...cpuParagraph(results),
  ];
};

const costSection = (results: BenchResults) => {
  const rtt = results.settings.dynamoDbRoundTripMs;
  return [
    '## Cost model',
    '',
    `Prices: ${PRICES.asOf}. DynamoDB on demand: $${round(PRICES.dynamoDbWriteRequestUnitUsd * 1e6, 3)} per million write`,
    `request units, $${round(PRICES.dynamoDbReadRequestUnitUsd * 1e6, 3)} per million read request units (a strongly consistent read of up to 4 KB`,
    'is 1 RRU, an eventually consistent one 0.5; a write or a delete is 1 WRU per KB of the item; failed',
    `conditional writes are billed too). Lambda on arm64: $${PRICES.lambdaArmGbSecondUsd} per GB-second and $${round(PRICES.lambdaRequestUsd * 1e6, 2)} per million`,
    `requests, at ${LAMBDA_MEMORY_MB} MB (the stack's setting). API Gateway REST: $${round(PRICES.apiGatewayRestRequestUsd * 1e6, 2)} per million requests.`,
    '',
    'Per redemption: one API Gateway request; two Lambda invocations (the authorizer, whose cache is off in',
    'ours and never hit by a fresh nonce in the original, and AccessObject), each billed at the mean of its',
    'measured durations (one at a time) rounded up to the millisecond; and the DynamoDB requests counted',
    'above, on the measured item size. Free tiers, data transfer, CloudWatch Logs (the original logged',
    'every event) and the S3 GET that follows the redirect (the same for both) are left out.',
    '',
    ...costRows(results.cost),
    '',
    `Billed ms per invocation: ours ${billedList(results.billedMs.ours)}; original ${billedList(results.billedMs.baseline)}.`,
    `With ${rtt} ms added per DynamoDB request the durations become: ours ${billedList(results.billedMsWithRoundTrip.ours)};`,
    `original ${billedList(results.billedMsWithRoundTrip.baseline)}, and the totals ${usd(results.costWithRoundTrip.ours.total)} (ours) and`,
    `${usd(results.costWithRoundTrip.baseline.total)} (original) per million redemptions.`,
  ];
};

const us = (value: number) => `${round(value, 1)} µs`;

/** Whether any client, signer, logger, metrics object or configuration was built while redeeming. */
export const builtPerRequestLine = (profile: Pick<ProfileSummary, 'builtPerRequest'>): string[] =>
  profile.builtPerRequest.length === 0
    ? [
        'Nothing is built per request: no constructor or factory of a client, signer, credential provider,',
        'logger, metrics object or configuration is on any sampled stack.',
      ]
    : [
        `> **Built per request** (on a sampled stack, where each should run once per module): ${profile.builtPerRequest.map((name) => `\`${name}\``).join(', ')}.`,
      ];

const profileSection = (results: BenchResults) => {
  const { usPerRedemption, profile } = results.handlerCpu;
  const per = results.settings.profiledRedemptions;
  return [
    '## Where a redemption spends its CPU',
    '',
    "The two functions a redemption runs, alone: both designs' authorizer and AccessObject handlers, built as",
    `above, invoked directly one redemption after another (${per} per round, 6 rounds, the designs alternating)`,
    'with a stub in place of the network to DynamoDB: each client builds and signs its requests as usual, then',
    'a middleware answers what DynamoDB would instead of sending them. No emulator, HTTP server or client',
    "shares the CPU, so this is the handlers' and the SDK's own work, plus building each event and the stub's",
    'answer, the same for both designs (logs and metrics off, as above).',
    '',
    '| CPU per redemption, both functions, DynamoDB stubbed | ours | original design | ours ÷ original |',
    '|---|---|---|---|',
    `| µs | ${round(usPerRedemption.ours, 0)} | ${round(usPerRedemption.baseline, 0)} | ${times(usPerRedemption.ours, usPerRedemption.baseline)} |`,
    '',
    `Ours under V8's sampling profiler (what \`node --cpu-prof\` records), every ${profile.samplingIntervalUs} µs, over ${profile.redemptions} more`,
    `redemptions: ${us(profile.busyUsPerRedemption)} of samples per redemption (sampled time, which also counts waiting for a`,
    'core: on a loaded machine it exceeds the CPU time above; the shares are what to read).',
    ...builtPerRequestLine(profile),
    '',
    '| component | share of CPU |',
    '|---|---|',
    ...profile.components.map(({ component, share }) => `| ${component} | ${round(share * 100, 1)} % |`),
    '',
    '| top frames by self time | component | µs per redemption | share |',
    '|---|---|---|---|',
    ...profile.topFrames.map(
      (frame) =>
        `| \`${frame.frame.replaceAll('|', '\\|')}\` | ${frame.component} | ${round(frame.selfUsPerRedemption, 1)} | ${round(frame.share * 100, 1)} % |`,
    ),
  ];
};

const notes = (results: BenchResults) => [
  '## Reading these numbers',
  '',
  '- Client, API emulator, handlers and emulators share one Node.js process and its event loop, so the',
  '  absolute numbers describe this machine and these emulators, not AWS. Both designs ran on the same',
  '  stack, interleaved, in one run: the ratios are what carries over.',
  '- Here a DynamoDB request costs CPU but almost no wall time, so the throughput under load follows CPU',
  '  per redemption. Ours spends CPU the original does not: it presigns the GET at redemption (one SigV4',
  '  signature of a request prepared without the S3 client: see the profile above), the emulator parses',
  '  and evaluates its condition expression, and the handlers log and emit a metric per redemption. The',
  '  original presigned at mint time and checks nothing when it deletes; it makes one DynamoDB request more.',
  '  On AWS a DynamoDB request is a network round trip instead, which the one-at-a-time',
  `  pass with ${results.settings.dynamoDbRoundTripMs} ms per request approximates: ours makes two requests in sequence per redemption, the`,
  '  original three.',
  "- The cost model bills each invocation in whole milliseconds, and here both designs' handlers take about",
  '  one: a few tenths of a millisecond of scheduling noise on a busy machine can tip the totals either way.',
  '  The pass with a simulated round trip and the handlers-alone CPU above are the steadier comparisons.',
  "- The original's concurrent winners all received the same presigned URL, valid for an hour. Ours lets",
  '  exactly one through and answers the others 403.',
  "- On AWS the original's item is larger than measured here: Lambda signs with temporary credentials, so",
  '  the stored URL carries a session token of about 1 KB, which puts the item past 1 KB: its delete would',
  '  cost two write units, not one. Ours stores no URL.',
  `- The cold starts ran on Node.js ${results.machine.node}; the stack deploys the Node.js 24 runtime.`,
];

export const renderBenchmarks = (results: BenchResults): string =>
  [
    ...header(results),
    '',
    ...resultsSection(results),
    '',
    ...bundleSection(results),
    '',
    ...costSection(results),
    '',
    ...profileSection(results),
    '',
    ...notes(results),
    '',
    '## Last line of the run',
    '',
    '```json',
    JSON.stringify(summaryJson(results)),
    '```',
    '',
  ].join('\n');
