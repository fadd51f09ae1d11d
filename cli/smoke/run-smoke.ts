import { ApiError, type FetchLike, type GeneratedNonce, type ProducerClient } from '../../client/index.js';
import { type Answer, describeAnswer, exchange, jsonOf, textOf, withTimeout } from './answer.js';
import { ErrorRecorder } from './error-recorder.js';
import {
  classifyRaceAnswer,
  errorBodyProblem,
  judgeRace,
  noStoreProblem,
  type RaceOutcome,
  redirectProblems,
  refusalProblem,
} from './judge.js';

export const DEFAULT_CONCURRENCY = 100;

/** The checks, in the order they run, and what each one proves (for --help and the README). */
export const CHECKS = [
  ['mint', 'POST /generate-url answers 201 with a nonce for the key (signed with SigV4 on AWS)'],
  [
    'concurrency',
    `${DEFAULT_CONCURRENCY} concurrent GETs of one single-use nonce: exactly one succeeds, the others get 403`,
  ],
  ['redeem', 'GET accessUrl: 302, no-store, no-referrer; the presigned URL downloads the object'],
  ['replay', 'the same nonce again: 403 nonce_invalid'],
  ['missing-nonce', 'GET /access-object without a nonce: 401'],
  ['malformed-nonce', 'a nonce that is not 43 base64url characters: 403 nonce_invalid'],
  ['head', 'HEAD is refused and consumes nothing: the nonce still redeems afterwards'],
  ['status', 'GET /nonces/{nonceId}: 200 with the key, maxUses and usesLeft'],
  ['json-mode', 'Accept: application/json: 200 {url, expiresAt}; the URL downloads the same object'],
  ['revoke', 'DELETE /nonces/{nonceId}: 204; then the nonce is refused (403) and its status is 404'],
  ['error-bodies', 'every error answer above is JSON {error, message} and holds no nonce'],
  ['cleanup', 'every nonce smoke minted is used up or revoked'],
] as const satisfies ReadonlyArray<readonly [string, string]>;

export type CheckName = (typeof CHECKS)[number][0];

export interface CheckResult {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SmokeOptions {
  /** An existing, non-empty object in the stack's bucket. */
  readonly key: string;
  /** Builds the producer client on the fetch smoke hands it (timed, and watched for error answers). */
  readonly createProducer: (fetch: FetchLike) => ProducerClient;
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Per request, reading its body included. @default 10000 */
  readonly timeoutMs?: number;
  /** Concurrent redemptions of the single-use nonce. @default 100 */
  readonly concurrency?: number;
  /** Called as each check ends, so people see progress. */
  readonly onCheck?: (result: CheckResult) => void;
}

export interface SmokeReport {
  readonly endpoint: string;
  readonly key: string;
  readonly checks: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** A nonce that cannot be one (not 43 base64url characters): the authorizer's shape check refuses it. */
const MALFORMED_NONCE = 'not-a-nonce';

/** Each minted nonce has one job; a check that finds its nonce missing (mint failed) does not run. */
const ROLES = {
  race: 1,
  redeem: 1,
  head: 1,
  // status, one JSON-mode use, then revoke: a use must be left for revoke to take.
  manage: 2,
} as const;
type Role = keyof typeof ROLES;

/** Short-lived: should cleanup fail, what smoke minted still expires soon. */
const EXPIRES_IN_SECONDS = 300;

class CheckFailure extends Error {}

const fail = (detail: string): never => {
  throw new CheckFailure(detail);
};

class NotRun extends Error {}

interface Context {
  readonly key: string;
  readonly endpoint: string;
  readonly producer: ProducerClient;
  /** Requests to the API: timed and recorded. */
  readonly api: FetchLike;
  /** Requests to S3 (presigned URLs): timed only, their XML errors are not the API's. */
  readonly s3: FetchLike;
  readonly recorder: ErrorRecorder;
  readonly concurrency: number;
  readonly nonces: Partial<Record<Role, GeneratedNonce>>;
  /** The object as `redeem` downloaded it, for `json-mode` to compare with. */
  downloaded?: Uint8Array;
}

const nonceFor = (context: Context, role: Role): GeneratedNonce =>
  context.nonces[role] ??
  (() => {
    throw new NotRun(`not run: no ${role} nonce (mint failed)`);
  })();

/** A consumer's GET (or HEAD): no credentials, redirects not followed, the whole answer read. */
const consume = (context: Context, url: string, accept = '*/*', method = 'GET'): Promise<Answer> =>
  exchange(context.api, url, { method, headers: { accept }, redirect: 'manual' });

/** Downloads a presigned URL: 200 and a body, else the check fails. */
const download = async (context: Context, url: string): Promise<Uint8Array> => {
  const object = await exchange(context.s3, url, { method: 'GET' });
  if (object.status !== 200) fail(`the presigned URL answered ${object.status}, expected 200`);
  if (object.body.length === 0) fail('the presigned URL answered an empty body (name a non-empty object)');
  return object.body;
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, index) => byte === b[index]);

/** An error in words for a detail: the API's status and code (its messages may change), else the message. */
const failureOf = (error: unknown): string => {
  if (error instanceof ApiError) return `answered ${error.status} ${error.code}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
};

type Check = (context: Context) => Promise<string>;

const CHECK_RUNS: Record<CheckName, Check> = {
  async mint(context) {
    const roles = Object.entries(ROLES) as [Role, number][];
    const results = await Promise.allSettled(
      roles.map(([, maxUses]) =>
        context.producer.generate({ key: context.key, maxUses, expiresInSeconds: EXPIRES_IN_SECONDS }),
      ),
    );
    const failures: string[] = [];
    for (const [index, result] of results.entries()) {
      const role = roles[index]?.[0];
      if (role === undefined) continue;
      if (result.status === 'fulfilled') context.nonces[role] = result.value;
      else if (result.reason instanceof ApiError && result.reason.code === 'object_not_found') {
        failures.push(`${failureOf(result.reason)}: no object ${JSON.stringify(context.key)} in the bucket`);
      } else failures.push(failureOf(result.reason));
    }
    if (failures.length > 0) fail(`${failures.length} of ${roles.length} mints failed: ${failures[0]}`);
    return `${roles.length} nonces for ${context.key}`;
  },

  // First after minting, while API Gateway's token bucket is fullest: fewer of the flood are throttled.
  async concurrency(context) {
    const { accessUrl } = nonceFor(context, 'race');
    const outcomes = await Promise.all(
      Array.from({ length: context.concurrency }, () =>
        consume(context, accessUrl).then(classifyRaceAnswer, (): RaceOutcome => ({ kind: 'other', what: 'nothing' })),
      ),
    );
    const verdict = judgeRace(outcomes);
    if (!verdict.ok) fail(verdict.detail);
    return verdict.detail;
  },

  async redeem(context) {
    const { accessUrl } = nonceFor(context, 'redeem');
    const answer = await consume(context, accessUrl);
    const problems = redirectProblems(answer);
    if (problems.length > 0) fail(problems.join('; '));
    const location = new URL(answer.headers.get('location') ?? '', accessUrl).href;
    context.downloaded = await download(context, location);
    return `302, no-store, no-referrer; ${context.downloaded.length} bytes from the presigned URL`;
  },

  async replay(context) {
    const answer = await consume(context, nonceFor(context, 'redeem').accessUrl);
    const problem = refusalProblem(answer, 403, 'nonce_invalid');
    if (problem !== undefined) fail(problem);
    return `refused: ${describeAnswer(answer)}`;
  },

  async 'missing-nonce'(context) {
    const answer = await consume(context, `${context.endpoint}/access-object`);
    const problem = refusalProblem(answer, 401, 'unauthorized');
    if (problem !== undefined) fail(problem);
    return `refused: ${describeAnswer(answer)}`;
  },

  async 'malformed-nonce'(context) {
    const answer = await consume(context, `${context.endpoint}/access-object?nonce=${MALFORMED_NONCE}`);
    const problem = refusalProblem(answer, 403, 'nonce_invalid');
    if (problem !== undefined) fail(problem);
    return `refused: ${describeAnswer(answer)}`;
  },

  async head(context) {
    const { accessUrl } = nonceFor(context, 'head');
    const head = await consume(context, accessUrl, '*/*', 'HEAD');
    // A HEAD answered 2xx or 3xx would hand out the object (or its URL) without taking a use.
    if (head.status < 400) fail(`HEAD answered ${head.status}, expected a refusal (4xx)`);
    const after = await consume(context, accessUrl);
    if (after.status !== 302)
      fail(`after the HEAD the nonce answered ${describeAnswer(after)}, expected 302: it was consumed`);
    return `HEAD answered ${head.status}; the nonce then redeemed (302)`;
  },

  async status(context) {
    const { nonceId } = nonceFor(context, 'manage');
    const status = await context.producer.status(nonceId);
    const expected = { nonceId, key: context.key, maxUses: ROLES.manage, usesLeft: ROLES.manage };
    const wrong = (Object.keys(expected) as (keyof typeof expected)[]).filter(
      (field) => status[field] !== expected[field],
    );
    if (wrong.length > 0) {
      fail(
        wrong.map((field) => `${field} is ${JSON.stringify(status[field])}, expected ${expected[field]}`).join('; '),
      );
    }
    return `200: usesLeft ${status.usesLeft} of ${status.maxUses}`;
  },

  async 'json-mode'(context) {
    const answer = await consume(context, nonceFor(context, 'manage').accessUrl, 'application/json');
    if (answer.status !== 200) fail(`answered ${describeAnswer(answer)}, expected 200`);
    const body = jsonOf(answer);
    const { url, expiresAt } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof url !== 'string' || typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt))) {
      fail(`the body is not {url, expiresAt}: ${textOf(answer).slice(0, 80)}`);
    }
    const noStore = noStoreProblem(answer.headers);
    if (noStore !== undefined) fail(noStore);
    const bytes = await download(context, String(url));
    if (context.downloaded !== undefined && !sameBytes(bytes, context.downloaded)) {
      fail(`the URL downloads ${bytes.length} bytes that differ from the redirect's ${context.downloaded.length}`);
    }
    return `200 {url, expiresAt}; ${bytes.length} bytes from the URL`;
  },

  async revoke(context) {
    const { nonceId, accessUrl } = nonceFor(context, 'manage');
    await context.producer.revoke(nonceId);
    const answer = await consume(context, accessUrl);
    const problem = refusalProblem(answer, 403, 'nonce_invalid');
    if (problem !== undefined) fail(`revoked, but redeeming it ${problem}`);
    const status = await context.producer.status(nonceId).then(
      () => 'answered 200',
      (error: unknown) => (error instanceof ApiError && error.status === 404 ? undefined : failureOf(error)),
    );
    if (status !== undefined) fail(`revoked, but its status ${status}, expected 404 not_found`);
    return '204; then redeem 403 and status 404';
  },

  async 'error-bodies'(context) {
    const errors = await context.recorder.errors();
    if (errors.length === 0) fail('no error answer to judge');
    const secrets = Object.values(context.nonces).map((minted) => minted.nonce);
    const problems = errors
      .map((record) => errorBodyProblem(record, secrets))
      .filter((problem) => problem !== undefined);
    if (problems.length > 0) {
      fail(`${problems.length} of ${errors.length}: ${problems.slice(0, 3).join('; ')}`);
    }
    return `${errors.length} error answers, all JSON {error, message}`;
  },

  cleanup: (context) => cleanUp(context),
};

/** Revokes every nonce smoke minted; 404 means it is already gone (used up or revoked), which is the aim. */
const cleanUp = async (context: Context): Promise<string> => {
  const minted = Object.values(context.nonces);
  const results = await Promise.allSettled(minted.map(({ nonceId }) => context.producer.revoke(nonceId)));
  let revoked = 0;
  let gone = 0;
  const failures: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') revoked += 1;
    else if (result.reason instanceof ApiError && result.reason.status === 404) gone += 1;
    else failures.push(failureOf(result.reason));
  }
  if (failures.length > 0)
    fail(`${failures.length} nonces could not be revoked (they expire in ${EXPIRES_IN_SECONDS} s): ${failures[0]}`);
  return `${minted.length} nonces: ${gone} already used up or revoked, ${revoked} revoked now`;
};

/** A secret never goes into a report line, whatever a check or an error message says. */
const redact = (detail: string, context: Context): string =>
  Object.values(context.nonces).reduce(
    (text, minted) => text.replaceAll(minted.accessUrl, '<accessUrl>').replaceAll(minted.nonce, '<nonce>'),
    detail,
  );

const runCheck = async (name: CheckName, context: Context): Promise<CheckResult> => {
  context.recorder.current = name;
  try {
    return { name, ok: true, detail: redact(await CHECK_RUNS[name](context), context) };
  } catch (error: unknown) {
    const detail = error instanceof CheckFailure || error instanceof NotRun ? error.message : failureOf(error);
    return { name, ok: false, detail: redact(detail, context) };
  }
};

/**
 * Runs every check against the API `createProducer` points at, one after the other, and always cleans
 * up: a failed or throwing check is a failed result, never an early exit.
 */
export const runSmoke = async (options: SmokeOptions): Promise<SmokeReport> => {
  const base = options.fetch ?? globalThis.fetch;
  const timed = withTimeout(base, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const recorder = new ErrorRecorder();
  const api = recorder.wrap(timed);
  // Built first, outside any check: a bad endpoint is the caller's error, not a failed check.
  const producer = options.createProducer(api);
  const context: Context = {
    key: options.key,
    endpoint: producer.endpoint,
    producer,
    api,
    s3: timed,
    recorder,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    nonces: {},
  };
  const checks: CheckResult[] = [];
  const record = (result: CheckResult) => {
    checks.push(result);
    options.onCheck?.(result);
  };
  try {
    for (const [name] of CHECKS) if (name !== 'cleanup') record(await runCheck(name, context));
  } finally {
    // Whatever happened above (runCheck catches, but onCheck may throw): revoke what was minted.
    record(await runCheck('cleanup', context));
  }
  const passed = checks.filter((check) => check.ok).length;
  return { endpoint: producer.endpoint, key: options.key, checks, passed, failed: checks.length - passed };
};
