/**
 * Outages of the emulators under the running local stack: DynamoDB stopped in the middle of a load and
 * started again, S3 stopped while a producer mints. The service must answer 503 with Retry-After (never
 * a 500 or a 502), consume nothing it did not answer with a redirect, and recover by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, errorCodeOf, errorShapeProblem, type Minted, manage, mint, redeem } from './client.js';
import { type HttpStack, startHttpStack } from './http-stack.js';

let stack: HttpStack;

beforeAll(async () => {
  stack = await startHttpStack();
});

afterAll(async () => {
  await stack?.stop();
});

const mintOrFail = async (fields: Record<string, unknown> = {}): Promise<Minted> => {
  const { answer, minted } = await mint(stack.url, fields);
  if (minted === undefined) throw new Error(`minting answered ${answer.status}`);
  return minted;
};

const expectUnavailable = (answer: Answer) => {
  expect(answer.status).toBe(503);
  expect(answer.headers['retry-after']).toBe('2');
  expect(errorShapeProblem(answer)).toBeUndefined();
  expect(errorCodeOf(answer)).toBe('service_unavailable');
};

/** Redeems until the first 403 (at most `limit` tries) and counts the redirects before it. */
const redemptionsLeft = async (nonce: string, limit = 10): Promise<number> => {
  for (let count = 0; count < limit; count++) {
    const answer = await redeem(stack.url, nonce);
    if (answer.status === 403) return count;
    expect(answer.status).toBe(302);
  }
  throw new Error(`still redeemable after ${limit} redemptions`);
};

/**
 * Producers and consumers in a loop, each worker on its own single-use nonces (mint, redeem, replay),
 * until told to stop and at most `maxRounds` rounds. Every status is recorded; a 503 is retried, up to
 * 20 times per step.
 */
const startLoad = (workers: number, maxRounds: number) => {
  const statuses: number[] = [];
  const redirectsPerNonce = new Map<string, number>();
  const problems: string[] = [];
  let stopping = false;
  const check = (answer: Answer, allowed: readonly number[]) => {
    statuses.push(answer.status);
    if (!allowed.includes(answer.status)) problems.push(`unexpected ${answer.status}: ${answer.body.slice(0, 100)}`);
    if (answer.status >= 400) {
      const problem = errorShapeProblem(answer);
      if (problem !== undefined) problems.push(problem);
      if (answer.status === 503 && answer.headers['retry-after'] === undefined)
        problems.push('503 without Retry-After');
    }
  };
  const worker = async () => {
    for (let round = 0; round < maxRounds && !stopping; round++) {
      let minted: Minted | undefined;
      for (let attempt = 0; attempt < 20 && minted === undefined; attempt++) {
        const result = await mint(stack.url);
        check(result.answer, [201, 503]);
        minted = result.minted;
      }
      if (minted === undefined) continue;
      for (let attempt = 0; attempt < 20; attempt++) {
        const answer = await redeem(stack.url, minted.nonce);
        check(answer, [302, 403, 503]);
        if (answer.status === 503) continue;
        if (answer.status === 302) {
          redirectsPerNonce.set(minted.nonce, (redirectsPerNonce.get(minted.nonce) ?? 0) + 1);
          // A replay, outage or not, must never be a second redirect.
          const replay = await redeem(stack.url, minted.nonce);
          check(replay, [403, 503]);
          if (replay.status === 302)
            redirectsPerNonce.set(minted.nonce, (redirectsPerNonce.get(minted.nonce) ?? 0) + 1);
        }
        break;
      }
    }
  };
  const running = Promise.all(Array.from({ length: workers }, worker));
  return {
    statuses,
    redirectsPerNonce,
    problems,
    async stop() {
      stopping = true;
      await running;
    },
  };
};

const waitFor = async (condition: () => boolean, what: string) => {
  for (let tick = 0; tick < 200; tick++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
};

describe('DynamoDB stopped in the middle of a load', () => {
  it('answers 503 with Retry-After on every route, consumes nothing, and recovers when DynamoDB is back', async () => {
    const multi = await mintOrFail({ maxUses: 3 });
    expect((await redeem(stack.url, multi.nonce)).status).toBe(302);
    const single = await mintOrFail();
    const toRevoke = await mintOrFail();
    const load = startLoad(8, 400);
    try {
      await waitFor(() => load.statuses.filter((status) => status === 302).length >= 10, 'the load to redeem');
      await stack.emulators.stopDynamoDb();
      const answersAtStop = load.statuses.length;
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          expectUnavailable(await redeem(stack.url, multi.nonce));
          expectUnavailable(await redeem(stack.url, single.nonce));
          expectUnavailable(await manage(stack.url, 'GET', multi.nonceId));
          expectUnavailable(await manage(stack.url, 'DELETE', toRevoke.nonceId));
          expectUnavailable((await mint(stack.url)).answer);
        }
        await waitFor(() => load.statuses.slice(answersAtStop).includes(503), 'the load to see the outage');
      } finally {
        await stack.emulators.startDynamoDb();
      }
      const answersAtRestart = load.statuses.length;
      await waitFor(() => load.statuses.slice(answersAtRestart).includes(302), 'the load to redeem again');
    } finally {
      await load.stop();
    }

    // The same server process, never restarted: every route works again, and nothing was consumed.
    expect(await redemptionsLeft(multi.nonce)).toBe(2);
    expect(await redemptionsLeft(single.nonce)).toBe(1);
    expect((await manage(stack.url, 'DELETE', toRevoke.nonceId)).status).toBe(204);
    expect((await mint(stack.url)).answer.status).toBe(201);
    expect(load.problems).toEqual([]);
    expect([...load.redirectsPerNonce.values()].every((redirects) => redirects === 1)).toBe(true);
  });
});

describe('S3 stopped while a producer mints', () => {
  it('answers 503, not 500, writes nothing, still redeems, and mints again once S3 is back', async () => {
    const minted = await mintOrFail();
    const before = await stack.fingerprint();

    await stack.emulators.stopS3();
    try {
      for (let attempt = 0; attempt < 3; attempt++) expectUnavailable((await mint(stack.url)).answer);
      expect(await stack.fingerprint()).toBe(before);
      // Presigning is local computation: a redemption needs no S3 request.
      expect((await redeem(stack.url, minted.nonce)).status).toBe(302);
    } finally {
      await stack.emulators.startS3();
    }

    expect((await mint(stack.url)).answer.status).toBe(201);
  });
});
