import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../cli/exit-codes.js';
import { runCli } from '../../../cli/run.js';
import type { Answer } from '../../../cli/smoke/answer.js';
import type { RecordedError } from '../../../cli/smoke/error-recorder.js';
import {
  classifyRaceAnswer,
  errorBodyProblem,
  judgeRace,
  type RaceOutcome,
  redirectProblems,
  refusalProblem,
} from '../../../cli/smoke/judge.js';
import { CHECKS, type CheckResult, runSmoke } from '../../../cli/smoke/run-smoke.js';
import { type FetchLike, ProducerClient } from '../../../client/index.js';
import { fakeFetch, jsonResponse, recordingSleep } from '../client/fake-fetch.js';

const LOCAL = 'http://127.0.0.1:3000';

const answer = (status: number, body = '', headers: Record<string, string> = {}): Answer => ({
  status,
  headers: new Headers(headers),
  body: new TextEncoder().encode(body),
});

const jsonError = (status: number, error: string): Answer =>
  answer(status, JSON.stringify({ error, message: 'A sentence.' }), { 'content-type': 'application/json' });

describe('smoke: judging one answer', () => {
  it('a refusal needs the status, and the code only when the body is JSON', () => {
    expect(refusalProblem(jsonError(403, 'nonce_invalid'), 403, 'nonce_invalid')).toBeUndefined();
    // The shape of the body is error-bodies' to judge: a plain-text 403 is still a refusal here.
    expect(refusalProblem(answer(403, 'Forbidden'), 403, 'nonce_invalid')).toBeUndefined();
    expect(refusalProblem(jsonError(403, 'forbidden'), 403, 'nonce_invalid')).toBe(
      'answered 403 forbidden, expected 403 nonce_invalid',
    );
    expect(refusalProblem(answer(302, '', { location: 'x' }), 403, 'nonce_invalid')).toBe(
      'answered 302, expected 403 nonce_invalid',
    );
    expect(refusalProblem(jsonError(403, 'nonce_invalid'), 401, 'unauthorized')).toBe(
      'answered 403 nonce_invalid, expected 401 unauthorized',
    );
  });

  it('a redirect needs Location, Cache-Control no-store and Referrer-Policy no-referrer', () => {
    const good = { location: 'https://s3/x', 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' };
    expect(redirectProblems(answer(302, '', good))).toEqual([]);

    expect(redirectProblems(answer(200, '{}'))).toEqual(['answered 200, expected 302']);
    expect(redirectProblems(answer(302, '', { ...good, 'cache-control': 'max-age=60' }))).toEqual([
      'Cache-Control is "max-age=60", expected no-store',
    ]);
    const { 'referrer-policy': _policy, location: _location, ...bare } = good;
    expect(redirectProblems(answer(302, '', bare))).toEqual([
      'no Location header',
      'Referrer-Policy is null, expected no-referrer',
    ]);
    // Of a list, browsers apply the last policy: a weaker one after no-referrer wins.
    expect(redirectProblems(answer(302, '', { ...good, 'referrer-policy': 'no-referrer, unsafe-url' }))).toHaveLength(
      1,
    );
  });

  const recorded = (overrides: Partial<RecordedError>): RecordedError => ({
    check: 'replay',
    method: 'GET',
    path: '/access-object',
    status: 403,
    contentType: 'application/json; charset=utf-8',
    text: '{"error":"nonce_invalid","message":"Refused."}',
    ...overrides,
  });

  it('an error body must be JSON {error, message}, labelled so, and must not hold a nonce', () => {
    expect(errorBodyProblem(recorded({}), ['s3cr3t'])).toBeUndefined();

    expect(errorBodyProblem(recorded({ contentType: 'text/plain', text: 'Unauthorized' }), [])).toBe(
      'replay: GET /access-object → 403: Content-Type "text/plain", not application/json',
    );
    expect(errorBodyProblem(recorded({ text: '<html>' }), [])).toBe(
      'replay: GET /access-object → 403: the body is not JSON',
    );
    expect(errorBodyProblem(recorded({ text: '{"message":null}' }), [])).toBe(
      'replay: GET /access-object → 403: not {error, message}',
    );
    expect(errorBodyProblem(recorded({ text: '{"error":"x","message":"bad s3cr3t"}' }), ['s3cr3t'])).toBe(
      'replay: GET /access-object → 403: the body holds the nonce',
    );
    expect(errorBodyProblem(recorded({ text: undefined }), [])).toBe(
      'replay: GET /access-object → 403: the body could not be read',
    );
  });
});

describe('smoke: judging the concurrent redemptions', () => {
  const outcomes = (counts: Partial<Record<RaceOutcome['kind'], number>>): RaceOutcome[] =>
    Object.entries(counts).flatMap(([kind, times]) =>
      Array.from(
        { length: times },
        (): RaceOutcome => (kind === 'other' ? { kind, what: '502' } : ({ kind } as RaceOutcome)),
      ),
    );

  it('classifies each answer', () => {
    expect(classifyRaceAnswer(answer(302))).toEqual({ kind: 'success' });
    expect(classifyRaceAnswer(answer(200))).toEqual({ kind: 'success' });
    expect(classifyRaceAnswer(jsonError(403, 'nonce_invalid'))).toEqual({ kind: 'refused' });
    expect(classifyRaceAnswer(jsonError(429, 'throttled'))).toEqual({ kind: 'throttled' });
    expect(classifyRaceAnswer(jsonError(403, 'forbidden'))).toEqual({ kind: 'other', what: '403 forbidden' });
    expect(classifyRaceAnswer(jsonError(503, 'service_unavailable'))).toEqual({ kind: 'unavailable' });
    expect(classifyRaceAnswer(jsonError(502, 'internal_error'))).toEqual({ kind: 'other', what: '502 internal_error' });
  });

  it('passes exactly one success among refusals', () => {
    expect(judgeRace(outcomes({ success: 1, refused: 99 }))).toEqual({
      ok: true,
      detail: '1 of 100 succeeded, 99 refused 403',
    });
  });

  it('reports 429s and 503s apart and passes while at least half took part', () => {
    expect(judgeRace(outcomes({ success: 1, refused: 49, throttled: 40, unavailable: 10 }))).toEqual({
      ok: true,
      detail: '1 of 100 succeeded, 49 refused 403, 40 throttled 429, 10 unavailable 503',
    });
    expect(judgeRace(outcomes({ success: 1, refused: 48, throttled: 51 }))).toEqual({
      ok: false,
      detail: '1 of 100 succeeded, 48 refused 403, 51 throttled 429: only 49 took part: the race was not run',
    });
  });

  it('fails two successes, none, or any other answer', () => {
    expect(judgeRace(outcomes({ success: 2, refused: 98 }))).toEqual({
      ok: false,
      detail: '2 of 100 succeeded, 98 refused 403: expected exactly 1 success',
    });
    expect(judgeRace(outcomes({ refused: 100 })).ok).toBe(false);
    expect(judgeRace(outcomes({ success: 1, refused: 97, other: 2 }))).toEqual({
      ok: false,
      detail:
        '1 of 100 succeeded, 97 refused 403, 2 answered 502: expected only 403 nonce_invalid (or 429, 503) besides the success',
    });
  });
});

/** Four distinct 43-character nonces and ids, as the API mints them. */
const minted = (index: number) => ({
  nonce: `nonce${index}`.padEnd(43, 'N'),
  nonceId: `id${index}`.padEnd(43, 'I'),
});

/** A fetch that answers the producer routes and lets every consumer request hang until its signal aborts. */
const hangingConsumers = () => {
  let mints = 0;
  const revoked: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    if (init.method === 'POST' && url.pathname === '/generate-url') {
      const { nonce, nonceId } = minted(mints++);
      return jsonResponse(201, {
        nonce,
        nonceId,
        accessUrl: `${LOCAL}/access-object?nonce=${nonce}`,
        expiresAt: '2030-01-01T00:05:00.000Z',
        maxUses: 1,
      });
    }
    if (init.method === 'DELETE') {
      const nonceId = url.pathname.split('/').at(-1) ?? '';
      if (revoked.includes(nonceId)) return jsonResponse(404, { error: 'not_found', message: 'Not found.' });
      revoked.push(nonceId);
      return new Response(null, { status: 204 });
    }
    return new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });
  };
  return { fetch, revoked };
};

describe('runSmoke', () => {
  const producer = (fetch: FetchLike) => new ProducerClient({ endpoint: LOCAL, fetch });

  it('bounds every request: an API that never answers fails its checks, and cleanup still revokes', async () => {
    const api = hangingConsumers();

    const report = await runSmoke({
      key: 'hello.txt',
      createProducer: producer,
      fetch: api.fetch,
      timeoutMs: 20,
      concurrency: 4,
    });

    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(report.checks.map((check) => check.name)).toEqual(CHECKS.map(([name]) => name));
    expect(byName.mint).toEqual({ name: 'mint', ok: true, detail: '4 nonces for hello.txt' });
    expect(byName.concurrency).toMatchObject({ ok: false, detail: expect.stringContaining('4 answered nothing') });
    expect(byName.revoke).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^error: Could not reach .*timeout/),
    });
    expect(byName.redeem).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^error: Could not reach .*timeout/),
    });
    expect(byName['error-bodies']).toMatchObject({ ok: false, detail: 'no error answer to judge' });
    expect(byName.cleanup).toEqual({
      name: 'cleanup',
      ok: true,
      // The revoke check took the manage nonce's before its redemption timed out.
      detail: '4 nonces: 1 already used up or revoked, 3 revoked now',
    });
    expect(api.revoked.sort()).toEqual([0, 1, 2, 3].map((index) => minted(index).nonceId).sort());
    expect(report).toMatchObject({ passed: 2, failed: CHECKS.length - 2 });
    for (const { nonce } of [0, 1, 2, 3].map(minted)) expect(JSON.stringify(report)).not.toContain(nonce);
  });

  it('cleans up also when reporting a check throws', async () => {
    const api = hangingConsumers();
    const onCheck = (result: CheckResult) => {
      if (result.name === 'mint') throw new Error('stdout closed');
    };

    await expect(
      runSmoke({ key: 'hello.txt', createProducer: producer, fetch: api.fetch, timeoutMs: 20, onCheck }),
    ).rejects.toThrow('stdout closed');

    expect(api.revoked).toHaveLength(4);
  });

  it('runs no check that needs a nonce when minting fails, and names the missing key', async () => {
    const { fetch } = fakeFetch((request) =>
      request.method === 'POST'
        ? jsonResponse(404, { error: 'object_not_found', message: 'No such object.' })
        : request.url.includes('nonce=')
          ? jsonResponse(403, { error: 'nonce_invalid', message: 'Refused.' })
          : jsonResponse(401, { error: 'unauthorized', message: 'No nonce.' }),
    );

    const report = await runSmoke({ key: 'no/such.txt', createProducer: producer, fetch });

    expect(report.checks.filter((check) => check.ok).map((check) => check.name)).toEqual([
      'missing-nonce',
      'malformed-nonce',
      'error-bodies',
      'cleanup',
    ]);
    expect(report.checks[0]?.detail).toBe(
      '4 of 4 mints failed: answered 404 object_not_found: no object "no/such.txt" in the bucket',
    );
    expect(report.checks.find((check) => check.name === 'status')?.detail).toBe(
      'not run: no manage nonce (mint failed)',
    );
  });
});

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.text += chunk.toString('utf8');
    callback();
  }
}

const cli = async (argv: string[]) => {
  const stdout = new Collector();
  const stderr = new Collector();
  const recorder = fakeFetch(() => {
    throw new Error('no request expected');
  });
  const code = await runCli(argv, { stdout, stderr, env: {}, fetch: recorder.fetch, sleep: recordingSleep().sleep });
  return { code, stdout: stdout.text, stderr: stderr.text, calls: recorder.calls };
};

describe('presigned-url-nonce smoke: the command line', () => {
  it('is listed in the main help, and its own help names every check and the exit codes', async () => {
    expect((await cli(['--help'])).stdout).toContain('  smoke ');

    const help = await cli(['smoke', '--help']);

    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/^Usage: presigned-url-nonce smoke --endpoint URL --key KEY/);
    for (const [name] of CHECKS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(help.stdout).toContain('Exit codes: 0 every check passed, 1 a check failed, 2 usage.');
  });

  it('the README describes every check, in the order smoke runs them', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('### Smoke test');
    const section = readme.slice(start, readme.indexOf('### ', start + 1));

    const rows = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);

    expect(rows).toEqual(CHECKS.map(([name]) => name));
  });

  it.each([
    [['smoke', '--endpoint', LOCAL], /--key is required/],
    [['smoke', '--key', 'k'], /--endpoint is required/],
    [['smoke', '--endpoint', LOCAL, '--key', 'k', '--timeout', '0'], /--timeout must be a whole number/],
    [['smoke', '--endpoint', 'nope', '--key', 'k'], /is not a URL/],
    [
      ['smoke', '--endpoint', 'https://abc.execute-api.us-east-1.amazonaws.com/prod', '--key', 'k', '--principal', 'p'],
      /local mode only/,
    ],
  ])('exits 2 for %j, sending nothing', async (argv, message) => {
    const result = await cli(argv);

    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.calls).toEqual([]);
  });
});
