/**
 * How smoke judges an answer against the HTTP contract (docs/openapi.yaml; README "Smoke test"). Pure functions:
 * each returns the problems it finds, in words for the report, or nothing.
 *
 * One defect fails one check: a check judges the status (and the `error` code when the body is JSON);
 * whether each error body has the `{error, message}` JSON shape is judged once, by `error-bodies`.
 */
import { errorBodySchema } from '../../client/responses.js';
import { type Answer, describeAnswer, errorCodeOf } from './answer.js';
import type { RecordedError } from './error-recorder.js';

/** The contract's `nonce_invalid` and `unauthorized` refusals: this status, and this code when the body has one. */
export const refusalProblem = (answer: Answer, status: number, code: string): string | undefined => {
  const actual = errorCodeOf(answer);
  if (answer.status === status && (actual === undefined || actual === code)) return undefined;
  return `answered ${describeAnswer(answer)}, expected ${status} ${code}`;
};

const tokens = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');

/** `Cache-Control: no-store`: a presigned URL must not sit in any cache. */
export const noStoreProblem = (headers: Headers): string | undefined =>
  tokens(headers.get('cache-control')).includes('no-store')
    ? undefined
    : `Cache-Control is ${JSON.stringify(headers.get('cache-control'))}, expected no-store`;

/** `Referrer-Policy: no-referrer`; of a list, browsers apply the last policy they know. */
const noReferrerProblem = (headers: Headers): string | undefined =>
  tokens(headers.get('referrer-policy')).at(-1) === 'no-referrer'
    ? undefined
    : `Referrer-Policy is ${JSON.stringify(headers.get('referrer-policy'))}, expected no-referrer`;

/** The consumer's redirect: 302, a Location, and the two headers that keep the presigned URL from leaking. */
export const redirectProblems = (answer: Answer): string[] => {
  if (answer.status !== 302) return [`answered ${describeAnswer(answer)}, expected 302`];
  return [
    answer.headers.get('location') === null ? 'no Location header' : undefined,
    noStoreProblem(answer.headers),
    noReferrerProblem(answer.headers),
  ].filter((problem) => problem !== undefined);
};

const mediaTypeOf = (contentType: string | null): string | undefined =>
  contentType?.split(';', 1)[0]?.trim().toLowerCase();

/** An error answer must be JSON `{"error": "<code>", "message": "<sentence>"}` and must not echo a nonce. */
export const errorBodyProblem = (record: RecordedError, secrets: readonly string[]): string | undefined => {
  const what = `${record.check}: ${record.method} ${record.path} → ${record.status}`;
  if (record.text === undefined) return `${what}: the body could not be read`;
  if (secrets.some((secret) => record.text?.includes(secret))) return `${what}: the body holds the nonce`;
  if (mediaTypeOf(record.contentType) !== 'application/json') {
    return `${what}: Content-Type ${JSON.stringify(record.contentType)}, not application/json`;
  }
  let body: unknown;
  try {
    body = JSON.parse(record.text);
  } catch {
    return `${what}: the body is not JSON`;
  }
  return errorBodySchema.safeParse(body).success ? undefined : `${what}: not {error, message}`;
};

/** What one of the concurrent redemptions got. */
export type RaceOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'refused' }
  /** 429: API Gateway's or WAF's throttling answered before anything ran. */
  | { readonly kind: 'throttled' }
  /** 503 service_unavailable: by the contract the nonce was not consumed (DynamoDB throttled, a cold fleet). */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'other'; readonly what: string };

export const classifyRaceAnswer = (answer: Answer): RaceOutcome => {
  if (answer.status === 302 || answer.status === 200) return { kind: 'success' };
  if (answer.status === 429) return { kind: 'throttled' };
  if (refusalProblem(answer, 503, 'service_unavailable') === undefined) return { kind: 'unavailable' };
  if (refusalProblem(answer, 403, 'nonce_invalid') === undefined) return { kind: 'refused' };
  return { kind: 'other', what: describeAnswer(answer) };
};

export interface Verdict {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * N concurrent GETs of a single-use nonce: exactly one success, every other answer a 403 refusal, or a
 * 429 or 503 that took no use. Those two are the API saying "later" (throttling, or the contract's
 * 503 that consumes nothing): reported apart and not counted. But when more than half the requests got
 * one of them the race was hardly run, and that fails too (retry later, or raise the throttle).
 */
export const judgeRace = (outcomes: readonly RaceOutcome[]): Verdict => {
  const count = (kind: RaceOutcome['kind']) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const success = count('success');
  const later = { 'throttled 429': count('throttled'), 'unavailable 503': count('unavailable') };
  const others = new Map<string, number>();
  for (const outcome of outcomes) {
    if (outcome.kind === 'other') others.set(outcome.what, (others.get(outcome.what) ?? 0) + 1);
  }
  const raced = outcomes.length - later['throttled 429'] - later['unavailable 503'];
  const tally = [
    `${success} of ${outcomes.length} succeeded`,
    `${count('refused')} refused 403`,
    ...Object.entries(later).flatMap(([what, times]) => (times === 0 ? [] : [`${times} ${what}`])),
    ...[...others].map(([what, times]) => `${times} answered ${what}`),
  ].join(', ');
  const problems = [
    success === 1 ? undefined : 'expected exactly 1 success',
    others.size === 0 ? undefined : 'expected only 403 nonce_invalid (or 429, 503) besides the success',
    raced * 2 >= outcomes.length ? undefined : `only ${raced} took part: the race was not run`,
  ].filter((problem) => problem !== undefined);
  return { ok: problems.length === 0, detail: problems.length === 0 ? tally : `${tally}: ${problems.join('; ')}` };
};
