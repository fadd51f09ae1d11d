/**
 * Redemptions through local HTTP, ours and the baseline interleaved: in every round each design redeems
 * the same number of freshly minted single-use nonces at the same concurrency, the order alternating
 * between rounds, so neither profits from a warmer process or a fuller table.
 */
import { addCounts, type RequestCounts } from './ddb-counter.js';
import type { Design, DesignName } from './designs.js';
import { mintMany, redeemAll } from './http-client.js';

export interface ThroughputOptions {
  readonly rounds: number;
  readonly perRound: number;
  readonly concurrency: number;
  readonly deadlineMs: number;
}

export interface DesignThroughput {
  readonly redemptions: number;
  readonly latenciesMs: readonly number[];
  /** Time spent redeeming only (minting excluded). */
  readonly elapsedMs: number;
  /** CPU time of the whole process (client, API emulator, handlers, emulators) while redeeming. */
  readonly cpuMs: number;
  readonly requests: RequestCounts;
}

const empty = (): DesignThroughput => ({ redemptions: 0, latenciesMs: [], elapsedMs: 0, cpuMs: 0, requests: {} });

const redeemRound = async (design: Design, options: ThroughputOptions): Promise<DesignThroughput> => {
  const nonces = await mintMany(design.url, options.perRound, options.concurrency, options.deadlineMs);
  const before = design.counter.snapshot();
  const cpuBefore = process.cpuUsage();
  const run = await redeemAll(design.url, nonces, options.concurrency, options.deadlineMs);
  const cpu = process.cpuUsage(cpuBefore);
  const failed = run.results.filter((result) => result.status !== 302);
  if (failed.length > 0) {
    throw new Error(`${design.name}: ${failed.length} redemptions of fresh nonces failed (e.g. ${failed[0]?.status})`);
  }
  return {
    redemptions: run.results.length,
    latenciesMs: run.results.map((result) => result.ms),
    elapsedMs: run.elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: design.counter.since(before),
  };
};

const merge = (a: DesignThroughput, b: DesignThroughput): DesignThroughput => ({
  redemptions: a.redemptions + b.redemptions,
  latenciesMs: [...a.latenciesMs, ...b.latenciesMs],
  elapsedMs: a.elapsedMs + b.elapsedMs,
  cpuMs: a.cpuMs + b.cpuMs,
  requests: addCounts(a.requests, b.requests),
});

export const runInterleaved = async (
  designs: readonly [Design, Design],
  options: ThroughputOptions,
): Promise<Record<DesignName, DesignThroughput>> => {
  const totals: Record<DesignName, DesignThroughput> = { ours: empty(), baseline: empty() };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? designs : ([designs[1], designs[0]] as const);
    for (const design of order) totals[design.name] = merge(totals[design.name], await redeemRound(design, options));
  }
  return totals;
};
