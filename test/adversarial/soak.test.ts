/**
 * Soak: 2,000 mixed operations (mint, redeem, replay, expire, revoke) from 32 concurrent clients against
 * the local stack, every one recorded with when it started and ended; then the invariants. The plan is
 * drawn from a fixed seed; which nonce an operation meets depends on the interleaving, which is the point.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedOutput } from '../support/output.js';
import { type Answer, errorShapeProblem, type Minted, manage, mint, redeem } from './client.js';
import { type HttpStack, type Item, startHttpStack } from './http-stack.js';

const SEED = 4_242;
const OPERATIONS = 2_000;
const CLIENTS = 32;

type Kind = 'mint' | 'mintShortLived' | 'redeem' | 'replay' | 'expire' | 'revoke';
interface Step {
  readonly kind: Kind;
  /** Picks the nonce an operation acts on, among those that fit it when it runs. */
  readonly pick: number;
  readonly maxUses: number;
}

interface Tracked extends Minted {
  readonly expiresAtMs: number;
  /** Minted with expiresInSeconds 1, for the expiry checks. */
  readonly shortLived: boolean;
  redirects: number;
  /** When a 204 for its revocation arrived. */
  revokedAtMs?: number;
  /** When the answer that took its last use arrived. */
  usedUpAtMs?: number;
}

interface Outcome {
  readonly kind: Kind;
  readonly nonceId?: string;
  readonly startedMs: number;
  readonly endedMs: number;
  readonly answer: Answer;
}

const step: fc.Arbitrary<Step> = fc.record({
  // The attacks (replay, expire, revoke) weigh as much as the honest traffic that feeds them.
  kind: fc.oneof(
    { weight: 4, arbitrary: fc.constant<Kind>('mint') },
    { weight: 1, arbitrary: fc.constant<Kind>('mintShortLived') },
    { weight: 5, arbitrary: fc.constant<Kind>('redeem') },
    { weight: 5, arbitrary: fc.constant<Kind>('replay') },
    { weight: 3, arbitrary: fc.constant<Kind>('expire') },
    { weight: 3, arbitrary: fc.constant<Kind>('revoke') },
  ),
  pick: fc.nat(),
  maxUses: fc.integer({ min: 1, max: 3 }),
});

const plan = fc.sample(fc.array(step, { minLength: OPERATIONS, maxLength: OPERATIONS }), {
  seed: SEED,
  numRuns: 1,
})[0] as Step[];

let stack: HttpStack;
const nonces: Tracked[] = [];
const outcomes: Outcome[] = [];
let table: Item[] = [];

const choose = <T>(list: readonly T[], pick: number): T | undefined => list[pick % Math.max(list.length, 1)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isOpen = (nonce: Tracked, now: number) =>
  nonce.revokedAtMs === undefined && nonce.usedUpAtMs === undefined && nonce.expiresAtMs > now;

/** The nonce an operation goes for: one it can still use, or for a replay one already closed. */
const target = (kind: 'redeem' | 'replay' | 'revoke', pick: number, now: number): Tracked | undefined => {
  const fits =
    kind === 'replay'
      ? (nonce: Tracked) => nonce.usedUpAtMs !== undefined || nonce.revokedAtMs !== undefined
      : (nonce: Tracked) => isOpen(nonce, now);
  return choose(nonces.filter(fits), pick) ?? choose(nonces, pick);
};

const record = (kind: Kind, nonce: Tracked | undefined, startedMs: number, answer: Answer): number => {
  const endedMs = Date.now();
  outcomes.push({ kind, startedMs, endedMs, answer, ...(nonce === undefined ? {} : { nonceId: nonce.nonceId }) });
  return endedMs;
};

const mintOne = async (kind: 'mint' | 'mintShortLived', maxUses: number): Promise<void> => {
  const startedMs = Date.now();
  // expiresInSeconds 1: valid while now < expiresAt, that is for one to two seconds.
  const { answer, minted } = await mint(stack.url, kind === 'mintShortLived' ? { expiresInSeconds: 1 } : { maxUses });
  const nonce =
    minted === undefined
      ? undefined
      : { ...minted, expiresAtMs: Date.parse(minted.expiresAt), shortLived: kind === 'mintShortLived', redirects: 0 };
  record(kind, nonce, startedMs, answer);
  if (nonce !== undefined) nonces.push(nonce);
};

/**
 * A redemption after expiry: of a short-lived nonce that has expired, or else of the one that expires
 * first, waiting for it (under two seconds; at the start of the run only).
 */
const redeemExpired = async (pick: number): Promise<void> => {
  const shortLived = nonces.filter((candidate) => candidate.shortLived);
  const expired = shortLived.filter((candidate) => candidate.expiresAtMs <= Date.now());
  const nonce =
    choose(expired, pick) ??
    shortLived.reduce<Tracked | undefined>((a, b) => (a && a.expiresAtMs <= b.expiresAtMs ? a : b), undefined);
  if (nonce === undefined) return mintOne('mintShortLived', 1);
  const wait = nonce.expiresAtMs - Date.now();
  if (wait > 0) await sleep(wait);
  const startedMs = Date.now();
  record('expire', nonce, startedMs, await redeem(stack.url, nonce.nonce));
};

const run = async ({ kind, pick, maxUses }: Step): Promise<void> => {
  if (kind === 'mint' || kind === 'mintShortLived' || nonces.length === 0)
    return mintOne(kind === 'mintShortLived' ? kind : 'mint', maxUses);
  if (kind === 'expire') return redeemExpired(pick);
  const startedMs = Date.now();
  const nonce = target(kind, pick, startedMs) as Tracked;
  const answer =
    kind === 'revoke' ? await manage(stack.url, 'DELETE', nonce.nonceId) : await redeem(stack.url, nonce.nonce);
  const endedMs = record(kind, nonce, startedMs, answer);
  if (answer.status === 204) nonce.revokedAtMs ??= endedMs;
  if (answer.status === 302 && ++nonce.redirects >= nonce.maxUses) nonce.usedUpAtMs ??= endedMs;
};

beforeAll(async () => {
  // INFO, not local mode's WARN: a log line per operation, to search for nonces.
  stack = await startHttpStack({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  let next = 0;
  const client = async () => {
    while (next < plan.length) await run(plan[next++] as Step);
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  table = await stack.scan();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const byId = () => new Map(nonces.map((nonce) => [nonce.nonceId, nonce]));

describe(`soak: ${OPERATIONS} mixed operations from ${CLIENTS} concurrent clients`, () => {
  it('ran every operation, each kind at least 100 times, and minted every nonce it asked for', () => {
    expect(outcomes).toHaveLength(OPERATIONS);
    for (const kind of ['mint', 'redeem', 'replay', 'expire', 'revoke'] as const) {
      expect(outcomes.filter((outcome) => outcome.kind === kind).length).toBeGreaterThanOrEqual(100);
    }
    const mints = outcomes.filter((outcome) => outcome.kind === 'mint' || outcome.kind === 'mintShortLived');
    expect(mints.every((outcome) => outcome.answer.status === 201)).toBe(true);
  });

  it('answered no 5xx, and every refusal in the JSON error shape', () => {
    expect(outcomes.filter((outcome) => outcome.answer.status >= 500)).toEqual([]);
    const refusals = outcomes.filter((outcome) => outcome.answer.status >= 400);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.map((outcome) => errorShapeProblem(outcome.answer)).filter(Boolean)).toEqual([]);
  });

  it('redeemed no nonce more than its maxUses', () => {
    for (const nonce of nonces) expect(nonce.redirects).toBeLessThanOrEqual(nonce.maxUses);
    expect(nonces.filter((nonce) => nonce.usedUpAtMs !== undefined).length).toBeGreaterThan(0);
  });

  it('redirected no redemption that began after its nonce expired, was revoked or was used up', () => {
    const tracked = byId();
    const late = outcomes.filter((outcome) => {
      const nonce = outcome.nonceId === undefined ? undefined : tracked.get(outcome.nonceId);
      if (nonce === undefined || outcome.answer.status !== 302) return false;
      const closedAt = Math.min(nonce.expiresAtMs, nonce.revokedAtMs ?? Infinity, nonce.usedUpAtMs ?? Infinity);
      return outcome.startedMs >= closedAt;
    });
    expect(late).toEqual([]);
    // The expiry checks did run (each one refused, as checked above).
    const expired = outcomes.filter(
      (o) => o.kind === 'expire' && o.startedMs >= (tracked.get(o.nonceId ?? '')?.expiresAtMs ?? Infinity),
    );
    expect(expired.length).toBeGreaterThan(0);
  });

  it('left the table holding exactly the uses nobody took: none lost, none taken twice', () => {
    const items = new Map(table.map((item) => [item.pk?.S, item]));
    for (const nonce of nonces) {
      const item = items.get(nonce.nonceId);
      const left = nonce.maxUses - nonce.redirects;
      if (nonce.revokedAtMs !== undefined || left === 0) expect(item, nonce.nonceId).toBeUndefined();
      else expect(item?.usesLeft?.N, nonce.nonceId).toBe(String(left));
    }
  });

  it('wrote no nonce to the logs or the table, while the logs name the nonces by id', () => {
    const secrets = new Set(nonces.map((nonce) => nonce.nonce));
    const output = capturedOutput();
    const tokens = (text: string) => text.match(/[A-Za-z0-9_-]{43}/g) ?? [];
    expect(tokens(output).filter((token) => secrets.has(token))).toEqual([]);
    expect(tokens(JSON.stringify(table)).filter((token) => secrets.has(token))).toEqual([]);
    const redeemed = nonces.filter((nonce) => nonce.redirects > 0);
    expect(redeemed.length).toBeGreaterThan(0);
    for (const nonce of redeemed) expect(output).toContain(nonce.nonceId);
  });
});
