/**
 * One redemption at a time (a Lambda execution environment serves one request at a time), the designs
 * interleaved as in the throughput run: each handler's duration, for the cost model, and the client's
 * latency. Optionally with a simulated network round trip on every DynamoDB request (NetworkDelay).
 */
import type { Design, DesignName } from './designs.js';
import { mintMany, redeemAll } from './http-client.js';

export type DurationSamples = Readonly<Record<string, readonly number[]>>;

export interface SequentialOptions {
  readonly rounds: number;
  readonly perRound: number;
  readonly deadlineMs: number;
  /** Added to each DynamoDB request of both designs during the pass. */
  readonly dynamoDbRoundTripMs: number;
}

export interface SequentialSamples {
  readonly durations: DurationSamples;
  readonly latenciesMs: readonly number[];
}

const sampleRound = async (design: Design, options: SequentialOptions): Promise<SequentialSamples> => {
  const nonces = await mintMany(design.url, options.perRound, 8, options.deadlineMs);
  design.networkDelay.set(options.dynamoDbRoundTripMs);
  design.durations.start();
  try {
    const run = await redeemAll(design.url, nonces, 1, options.deadlineMs);
    if (run.results.some((result) => result.status !== 302)) throw new Error(`${design.name}: a redemption failed`);
    return { durations: Object.fromEntries(design.durations.stop()), latenciesMs: run.results.map((r) => r.ms) };
  } finally {
    design.durations.stop();
    design.networkDelay.set(0);
  }
};

const merge = (a: SequentialSamples, b: SequentialSamples): SequentialSamples => {
  const durations: Record<string, readonly number[]> = { ...a.durations };
  for (const [name, list] of Object.entries(b.durations)) durations[name] = [...(durations[name] ?? []), ...list];
  return { durations, latenciesMs: [...a.latenciesMs, ...b.latenciesMs] };
};

export const runSequential = async (
  designs: readonly [Design, Design],
  options: SequentialOptions,
): Promise<Record<DesignName, SequentialSamples>> => {
  const samples: Record<DesignName, SequentialSamples> = {
    ours: { durations: {}, latenciesMs: [] },
    baseline: { durations: {}, latenciesMs: [] },
  };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? designs : ([designs[1], designs[0]] as const);
    for (const design of order) samples[design.name] = merge(samples[design.name], await sampleRound(design, options));
  }
  return samples;
};
