/**
 * The bench's HTTP client: fetch (undici, keep-alive) over loopback, a fixed number of requests through
 * a fixed number of workers. Every loop is bounded twice: by its count and by a deadline.
 */
import { SEED_KEY } from '../../local/constants.js';

export class BenchTimeoutError extends Error {
  constructor(what: string) {
    super(`${what} ran past its time budget`);
    this.name = 'BenchTimeoutError';
  }
}

/** Runs worker over items with at most `concurrency` in flight; stops with an error past the deadline. */
export const inPool = async <T>(
  items: readonly T[],
  concurrency: number,
  deadlineMs: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      if (performance.now() > deadlineMs) throw new BenchTimeoutError('a request loop');
      const index = next++;
      await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
};

export interface RedeemResult {
  readonly status: number;
  readonly ms: number;
}

/** One GET /access-object, timed from the request to the end of the (empty) body; no redirect followed. */
export const redeem = async (baseUrl: string, nonce: string): Promise<RedeemResult> => {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/access-object?nonce=${encodeURIComponent(nonce)}`, {
    redirect: 'manual',
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
};

/** Mints `count` nonces for the seeded object; both designs answer {nonce} (201 ours, 200 the original). */
export const mintMany = async (
  baseUrl: string,
  count: number,
  concurrency: number,
  deadlineMs: number,
): Promise<string[]> => {
  const nonces: string[] = new Array(count);
  await inPool(Array.from({ length: count }), concurrency, deadlineMs, async (_item, index) => {
    const response = await fetch(`${baseUrl}/generate-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: SEED_KEY }),
    });
    const body = (await response.json()) as { nonce?: unknown };
    if (response.status >= 300 || typeof body.nonce !== 'string') {
      throw new Error(`minting answered ${response.status}`);
    }
    nonces[index] = body.nonce;
  });
  return nonces;
};

export interface RedemptionRun {
  readonly results: readonly RedeemResult[];
  readonly elapsedMs: number;
}

export const redeemAll = async (
  baseUrl: string,
  nonces: readonly string[],
  concurrency: number,
  deadlineMs: number,
): Promise<RedemptionRun> => {
  const results: RedeemResult[] = [];
  const started = performance.now();
  await inPool(nonces, concurrency, deadlineMs, async (nonce) => {
    results.push(await redeem(baseUrl, nonce));
  });
  return { results, elapsedMs: performance.now() - started };
};
