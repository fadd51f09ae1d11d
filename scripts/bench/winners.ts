/**
 * The race the original design loses: `concurrency` simultaneous redemptions of one single-use nonce.
 * A correct design lets exactly one through; every extra 302 is the same presigned URL handed out again.
 */
import type { Design, DesignName } from './designs.js';
import { mintMany, redeem } from './http-client.js';

export interface WinnerOptions {
  readonly rounds: number;
  readonly concurrency: number;
  readonly deadlineMs: number;
}

/** Successes per round, for each design; the rounds alternate which design goes first. */
export const measureWinners = async (
  designs: readonly [Design, Design],
  options: WinnerOptions,
): Promise<Record<DesignName, number[]>> => {
  const winners: Record<DesignName, number[]> = { ours: [], baseline: [] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? designs : ([designs[1], designs[0]] as const);
    for (const design of order) {
      const [nonce] = await mintMany(design.url, 1, 1, options.deadlineMs);
      const results = await Promise.all(
        Array.from({ length: options.concurrency }, () => redeem(design.url, nonce as string)),
      );
      const unexpected = results.find((result) => result.status !== 302 && result.status !== 403);
      if (unexpected !== undefined)
        throw new Error(`${design.name}: a racing redemption answered ${unexpected.status}`);
      winners[design.name].push(results.filter((result) => result.status === 302).length);
    }
  }
  return winners;
};
