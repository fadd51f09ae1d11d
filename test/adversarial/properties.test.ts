/**
 * Property tests over HTTP against the local stack: whatever a client sends to POST /generate-url,
 * GET or POST /access-object or /nonces/{nonceId}, a rejection is a 4xx in the JSON error shape and leaves
 * the nonce table exactly as it was; a GET of a live `confirm` nonce, whatever its headers, is the offer
 * and takes no use. Inputs come in batches sent concurrently; the table is compared once
 * per batch (an item count and a hash of every item), each batch made only of inputs that are rejected.
 * Fixed seeds: a failure names its seed and path, and reruns identically.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL_HEADER } from '../../local/http-server.js';
import { type Answer, errorCodeOf, errorShapeProblem, type Minted, manage, mint, send } from './client.js';
import { type HttpStack, startHttpStack } from './http-stack.js';

const SEED = 20_240_601;
const BATCH = 100;
/** Runs per property; with BATCH inputs each, 10,100 inputs in all. */
const RUNS = { generate: 45, nonce: 30, redeemPost: 16, manage: 10, prototype: 6 } as const;
const MIN_INPUTS = 10_000;
/**
 * No shrinking: a failing batch is reported as it was (each assertion names the input and its answer).
 * Shrinking would replay batches against a table a failure may already have changed, for minutes.
 */
const ASSERT = { endOnFailure: true } as const;

let stack: HttpStack;
/** Live nonces the attacks circle around: each must come out of every batch untouched. */
let live: Minted[];
let inputsSent = 0;
/** The table as the live nonces left it; after every batch it must be exactly this again. */
let baseline: string;

beforeAll(async () => {
  stack = await startHttpStack();
  live = [];
  // The last one is a link for people: GET must never take its uses, whatever the client sends.
  for (const fields of [
    {},
    { maxUses: 5 },
    { maxUses: 100, expiresInSeconds: 604_800 },
    { maxUses: 2, confirm: true },
  ]) {
    const { minted } = await mint(stack.url, fields);
    if (minted === undefined) throw new Error('could not mint the live nonces');
    live.push(minted);
  }
  baseline = await stack.fingerprint();
});

afterAll(async () => {
  await stack?.stop();
});

/** Printable ASCII: what an HTTP client lets a header value carry. */
const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** base64url strings of one length or, without `length`, of any length up to 90 but 43. */
const base64url = (length?: number) =>
  length === undefined
    ? fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 90 }).filter((value) => value.length !== 43)
    : fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: length, maxLength: length });

/** The confirm nonce's offer: its page, or its JSON, never a redirect. */
const isOffer = (answer: Answer): boolean =>
  answer.status === 200 &&
  (answer.headers['content-type'] === 'text/html; charset=utf-8'
    ? answer.body.includes('<form method="post">')
    : /"confirm":true/.test(answer.body));

/**
 * Sends a batch at once and checks each answer against `allowed`. With `mayMint` (generate-url only) a
 * 201 is accepted too, for the rare generated body that is in fact valid: what it minted is revoked
 * before the table is compared with the baseline. With `mayOffer` a confirm nonce's offer is accepted.
 */
const checkBatch = async (
  requests: ReadonlyArray<() => Promise<Answer>>,
  allowed: (answer: Answer, index: number) => boolean,
  { mayMint = false, mayOffer = false } = {},
): Promise<void> => {
  const answers = await Promise.all(requests.map((request) => request()));
  inputsSent += answers.length;
  const isMint = (answer: Answer) => mayMint && answer.status === 201;
  const accepted = (answer: Answer) => isMint(answer) || (mayOffer && isOffer(answer));
  const minted = answers.filter(isMint).map((answer) => JSON.parse(answer.body) as Minted);
  for (const { nonceId } of minted) expect((await manage(stack.url, 'DELETE', nonceId)).status).toBe(204);
  for (const [index, answer] of answers.entries()) {
    if (accepted(answer)) continue;
    expect(errorShapeProblem(answer), `input ${index}: ${answer.status} ${answer.body.slice(0, 120)}`).toBeUndefined();
    expect(allowed(answer, index), `input ${index}: ${answer.status} ${answer.body.slice(0, 120)}`).toBe(true);
  }
  expect(await stack.fingerprint()).toBe(baseline);
};

describe('POST /generate-url with arbitrary bodies, content types and query strings', () => {
  const field = fc.oneof(
    fc.constantFrom(
      'key',
      'expiresInSeconds',
      'maxUses',
      'responseContentDisposition',
      'confirm',
      'operation',
      'maxBytes',
      'contentType',
      'overwrite',
    ),
    fc.constantFrom('bucket', 'nonce', '__proto__', 'constructor', 'Key', 'key '),
    printable(12),
  );
  const wrongValue = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    anyText(40),
    fc.array(fc.integer(), { maxLength: 3 }),
  );
  const body = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((value) => JSON.stringify(value)),
    fc
      .record(
        {
          // Local mode takes uploads under incoming/ (UPLOAD_KEY_PREFIX's default): keys there reach the upload rules.
          key: fc.oneof(
            wrongValue,
            anyText(60),
            anyText(30).map((name) => `incoming/${name}`),
          ),
          expiresInSeconds: wrongValue,
          maxUses: wrongValue,
          confirm: fc.oneof(wrongValue, fc.constantFrom('true', 'false', 0, 1)),
          operation: fc.oneof(wrongValue, fc.constantFrom('upload', 'download', 'UPLOAD', '')),
          maxBytes: fc.oneof(wrongValue, fc.constantFrom(0, 1, 5 * 1024 ** 3, 5 * 1024 ** 3 + 1, 2 ** 53, -1)),
          contentType: fc.oneof(wrongValue, printable(40), fc.constantFrom('text/plain', 'a/b; c="d"', 'a/b\r\nX: y')),
          overwrite: fc.oneof(wrongValue, fc.constantFrom('true', 1)),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    // Huge: past the 8 KiB limit, or under it with a key past 1 KiB.
    fc.integer({ min: 1_100, max: 40_000 }).map((size) => JSON.stringify({ key: 'k'.repeat(size) })),
    // Deeply nested arrays and objects.
    fc
      .tuple(fc.integer({ min: 1, max: 3_000 }), fc.boolean())
      .map(([depth, arrays]) =>
        arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"key":'.repeat(depth)}1${'}'.repeat(depth)}`,
      ),
    // The same field twice: JSON.parse keeps the last one.
    fc
      .tuple(anyText(20), fc.jsonValue({ maxDepth: 1 }))
      .map(([first, second]) => `{"key":${JSON.stringify(first)},"key":${JSON.stringify(second)}}`),
    // A lone surrogate escaped in the JSON text.
    anyText(10).map((text) => `{"key":"${text.replace(/["\\]/g, '')}\\ud800"}`),
    fc.uint8Array({ maxLength: 512 }),
    anyText(300),
  );
  const contentType = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON'),
    },
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'text/json',
      'application/json, text/plain',
      ';',
      '',
    ),
    printable(40),
  );
  const query = fc.array(fc.tuple(printable(8), anyText(8)), { maxLength: 3 });
  const input = fc.record({ body, contentType, query });

  it(`never answers 5xx, keeps the error shape and leaves the table unchanged (${RUNS.generate} × ${BATCH} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(({ body: payload, contentType: type, query: pairs }) => () => {
          const search = new URLSearchParams(pairs).toString();
          return send(`${stack.url}/generate-url${search === '' ? '' : `?${search}`}`, {
            method: 'POST',
            headers: { 'Content-Type': type },
            body: payload,
          });
        });
        await checkBatch(requests, (answer) => [400, 404, 413, 415].includes(answer.status), { mayMint: true });
      }),
      { ...ASSERT, seed: SEED, numRuns: RUNS.generate },
    );
  });
});

describe('GET and POST /access-object with arbitrary nonces, query strings, headers and bodies', () => {
  const nonceValue = fc.oneof(
    { weight: 1, arbitrary: base64url(43) },
    { weight: 3, arbitrary: base64url() },
    { weight: 3, arbitrary: anyText(60) },
    { weight: 1, arbitrary: fc.integer({ min: 44, max: 6_000 }).map((size) => 'A'.repeat(size)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  );
  /** A live nonce, changed just enough to be another string: it must never redeem or consume it. */
  const nearMiss = fc
    .tuple(fc.nat(2), fc.nat(42), fc.constantFrom('A', '-', '_', ' ', '%', 'é', '\u0000'))
    .map(([which, at, char]) => {
      const nonce = live[which]?.nonce ?? '';
      const variants = [
        nonce + char,
        nonce.slice(0, at) + nonce.slice(at + 1),
        nonce.slice(0, at) + (nonce[at] === char ? 'B' : char) + nonce.slice(at + 1),
        nonce.toUpperCase() === nonce ? nonce.toLowerCase() : nonce.toUpperCase(),
      ];
      return variants[at % variants.length] as string;
    });
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constant('nonce') },
    fc.constantFrom('Nonce', 'NONCE', 'nonce[]', 'token', ' nonce', 'nonce '),
    printable(8),
  );
  const pairs = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(fc.tuple(name, fc.oneof({ weight: 3, arbitrary: nonceValue }, nearMiss)), { maxLength: 3 }),
    },
    // The live nonce itself, but given twice: ambiguous, so refused without consuming it.
    fc
      .tuple(fc.nat(2), fc.oneof(nonceValue, nearMiss), fc.boolean())
      .map(([which, other, first]): [string, string][] => {
        const nonce = live[which]?.nonce ?? '';
        return first
          ? [
              ['nonce', nonce],
              ['nonce', other],
            ]
          : [
              ['nonce', other],
              ['nonce', nonce],
            ];
      }),
  );
  // Unencoded query strings: whatever fetch's URL parser and the gateway make of them.
  const rawQuery = printable(80).filter((raw) => !raw.includes('#'));
  const hostileQuery = fc.oneof(
    { weight: 4, arbitrary: pairs.map((list) => new URLSearchParams(list).toString()) },
    rawQuery,
  );
  const accept = fc.oneof(
    fc.constantFrom('*/*', 'application/json', 'text/html', '', 'application/json;q=0, text/html', 'image/webp,*/*'),
    printable(30),
  );
  const refused = (answer: Answer) =>
    (answer.status === 401 && errorCodeOf(answer) === 'unauthorized') ||
    (answer.status === 403 && errorCodeOf(answer) === 'nonce_invalid');

  /** GET: hostile queries, and the live confirm nonce itself (its offer, never a use). */
  const getInput = fc.record({
    query: fc.oneof(
      { weight: 5, arbitrary: hostileQuery },
      fc.constant(null).map(() => `nonce=${encodeURIComponent(live[3]?.nonce ?? '')}`),
    ),
    accept,
    userAgent: fc.constantFrom('Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'curl/8.5.0', ''),
  });

  it(`GET: the offer of a confirm nonce or 401/403 in the error shape, the table unchanged (${RUNS.nonce} × ${BATCH})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(getInput, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(
          ({ query, accept: type, userAgent }) =>
            () =>
              send(`${stack.url}/access-object?${query}`, { headers: { Accept: type, 'User-Agent': userAgent } }),
        );
        await checkBatch(requests, refused, { mayOffer: true });
      }),
      { ...ASSERT, seed: SEED + 1, numRuns: RUNS.nonce },
    );
  });

  /** POST: hostile queries only (a live nonce alone would be redeemed), with arbitrary bodies and types. */
  const postInput = fc.record({
    query: hostileQuery,
    accept,
    contentType: fc.oneof(
      fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', ''),
      printable(30),
    ),
    body: fc.oneof(
      fc.constant(''),
      fc.uint8Array({ maxLength: 256 }),
      anyText(200),
      fc.integer({ min: 8_000, max: 20_000 }).map((size) => `a=${'x'.repeat(size)}`),
    ),
  });

  it(`POST: 401 or 403 in the error shape, the table unchanged (${RUNS.redeemPost} × ${BATCH} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(postInput, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(
          ({ query, accept: type, contentType, body }) =>
            () =>
              send(`${stack.url}/access-object?${query}`, {
                method: 'POST',
                headers: { Accept: type, 'Content-Type': contentType },
                body,
              }),
        );
        await checkBatch(requests, refused);
      }),
      { ...ASSERT, seed: SEED + 3, numRuns: RUNS.redeemPost },
    );
  });
});

describe('GET and DELETE /nonces/{nonceId} with arbitrary ids and principals', () => {
  /** Anyone but the creator (`local`): the live ids must stay out of their reach. */
  const stranger = fc.oneof(
    fc.constantFrom('arn:aws:iam::111111111111:user/mallory', 'LOCAL', 'local2', '*'),
    printable(40).filter((value) => value.trim() !== '' && value.trim() !== 'local'),
  );
  const input = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        method: fc.constantFrom('GET', 'DELETE'),
        id: fc.oneof(
          base64url(43),
          { weight: 2, arbitrary: anyText(50) },
          fc.integer({ min: 44, max: 2_000 }).map((n) => 'A'.repeat(n)),
        ),
        principal: fc.option(stranger, { nil: undefined }),
      }),
    },
    fc.record({
      method: fc.constantFrom('GET', 'DELETE'),
      id: fc.nat(2).map((which) => live[which]?.nonceId ?? ''),
      principal: stranger,
    }),
  );

  it(`answers 400, 403 or 404 in the error shape and leaves the table unchanged (${RUNS.manage} × ${BATCH} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(
          ({ method, id, principal }) =>
            () =>
              send(`${stack.url}/nonces/${encodeURIComponent(id)}`, {
                method,
                headers: principal === undefined ? {} : { [LOCAL_PRINCIPAL_HEADER]: principal },
              }),
        );
        await checkBatch(requests, (answer) => [400, 403, 404].includes(answer.status));
      }),
      { ...ASSERT, seed: SEED + 2, numRuns: RUNS.manage },
    );
  });
});

describe('every route with query parameters and headers named after Object.prototype members', () => {
  /** Names a plain object already answers to: an event map built from such an object read them as values. */
  const PROTOTYPE_NAMES = [
    '__proto__',
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'isPrototypeOf',
    'propertyIsEnumerable',
    'toLocaleString',
    '__defineGetter__',
    '__lookupSetter__',
  ] as const;
  const pairs = fc.array(fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES), printable(8)), { minLength: 1, maxLength: 4 });
  /** What each route must answer, whatever such names ride along: they change nothing. */
  const ROUTES = {
    mint: { method: 'POST', path: () => '/generate-url', status: 201, error: undefined },
    unknownNonce: {
      method: 'GET',
      path: () => `/access-object?nonce=${'A'.repeat(43)}`,
      status: 403,
      error: 'nonce_invalid',
    },
    noNonce: { method: 'GET', path: () => '/access-object', status: 401, error: 'unauthorized' },
    status: { method: 'GET', path: () => `/nonces/${'A'.repeat(43)}`, status: 404, error: 'not_found' },
    revoke: { method: 'DELETE', path: () => `/nonces/${'A'.repeat(43)}`, status: 404, error: 'not_found' },
  } as const;
  const input = fc.record({
    route: fc.constantFrom(...(Object.keys(ROUTES) as (keyof typeof ROUTES)[])),
    query: pairs,
    headers: fc.option(pairs, { nil: undefined }),
  });

  it(`answers as without them, never 5xx (${RUNS.prototype} × ${BATCH} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(({ route, query, headers }) => () => {
          const { method, path } = ROUTES[route];
          const search = new URLSearchParams(query).toString();
          const url = `${stack.url}${path()}${path().includes('?') ? '&' : '?'}${search}`;
          // Object.fromEntries defines "__proto__" as an own header name, as a client sends it.
          const sent = Object.fromEntries([
            ...(headers ?? []),
            ...(route === 'mint' ? [['Content-Type', 'application/json']] : []),
          ]);
          return send(url, { method, headers: sent, ...(route === 'mint' ? { body: '{"key":"hello.txt"}' } : {}) });
        });
        await checkBatch(
          requests,
          (answer, index) => {
            const expected = ROUTES[batch[index]?.route ?? 'mint'];
            return (
              answer.status === expected.status &&
              (expected.error === undefined || errorCodeOf(answer) === expected.error)
            );
          },
          { mayMint: true },
        );
      }),
      { ...ASSERT, seed: SEED + 4, numRuns: RUNS.prototype },
    );
  });
});

describe('after every batch', () => {
  it(`sent at least ${MIN_INPUTS.toLocaleString('en-US')} generated inputs`, () => {
    expect(inputsSent).toBeGreaterThanOrEqual(MIN_INPUTS);
  });

  it('left each live nonce redeemable for exactly its uses: nothing was consumed by the attacks', async () => {
    const [single] = live;
    expect((await send(`${stack.url}/access-object?nonce=${single?.nonce}`)).status).toBe(302);
    expect((await send(`${stack.url}/access-object?nonce=${single?.nonce}`)).status).toBe(403);
    for (const minted of live.slice(1)) {
      const status = JSON.parse((await manage(stack.url, 'GET', minted.nonceId)).body) as { usesLeft?: unknown };
      expect(status.usesLeft).toBe(minted.maxUses);
    }
  });
});
