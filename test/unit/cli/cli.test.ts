import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../cli/exit-codes.js';
import type { CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/run.js';
import type { FetchLike } from '../../../client/index.js';
import {
  errorResponse,
  fakeFetch,
  generatedBody,
  jsonResponse,
  NONCE,
  NONCE_ID,
  type Responder,
  recordingSleep,
  statusBody,
} from '../client/fake-fetch.js';

const LOCAL = 'http://127.0.0.1:3000';
const ACCESS_URL = `${LOCAL}/access-object?nonce=${NONCE}`;

class Collector extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.text += chunk.toString('utf8');
    callback();
  }
}

const run = async (
  argv: string[],
  responder: Responder = () => {
    throw new Error('no request expected');
  },
  options: { env?: Record<string, string>; stdoutTty?: boolean; stderrTty?: boolean } = {},
) => {
  const stdout = new Collector(options.stdoutTty);
  const stderr = new Collector(options.stderrTty);
  const recorder = fakeFetch(responder);
  const { delays, sleep } = recordingSleep();
  const io: CliIo = { stdout, stderr, env: options.env ?? {}, fetch: recorder.fetch as FetchLike, sleep };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text, calls: recorder.calls, delays };
};

const refusedConnection: Responder = () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
};

/** The API's 302, then S3's answer with this status. */
/** The service's redirect as the CLI meets it (it redeems with POST: 303 See Other), then S3's answer. */
const redirectThen =
  (status: number): Responder =>
  (request, index) =>
    index === 0
      ? new Response(null, {
          status: request.method === 'POST' ? 303 : 302,
          headers: { location: 'http://127.0.0.1:4569/b/k?sig=1' },
        })
      : new Response('object', { status });

describe('presigned-url-nonce: usage', () => {
  it('--version prints the package version, exit 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const argv of [['--version'], ['-v']]) {
      const result = await run(argv);
      expect(result.code, argv[0]).toBe(EXIT.ok);
      expect(result.stdout, argv[0]).toBe(`${version}\n`);
    }
  });

  it('prints help for the program and for every command, exit 0', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(EXIT.ok);
    expect(main.stdout).toMatch(/^Usage: presigned-url-nonce <command>/);
    for (const command of ['generate', 'status', 'revoke', 'redeem']) {
      expect(main.stdout).toContain(`  ${command} `);
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(EXIT.ok);
      expect(help.stdout, command).toMatch(new RegExp(`^Usage: presigned-url-nonce ${command}`));
      // Even with other (or wrong) options around it.
      expect((await run([command, '--bogus', '-h'])).code, command).toBe(EXIT.ok);
    }
  });

  it.each([
    [[], /^Usage:/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['generate', '--endpoint', LOCAL], /--key is required/],
    [['generate', '--key', 'k'], /--endpoint is required/],
    [['generate', '--endpoint', LOCAL, '--key', 'k', '--max-uses', 'two'], /--max-uses must be a whole number/],
    [['generate', '--endpoint', LOCAL, '--key', 'k', '--expires-in', '0'], /--expires-in must be a whole number/],
    [['generate', '--endpoint', LOCAL, '--kye', 'k'], /Unknown option '--kye'/],
    [['status', '--endpoint', LOCAL], /--id is required/],
    [
      ['generate', '--endpoint', LOCAL, '--key', 'k', '--filename', 'a.pdf', '--content-disposition', 'inline'],
      /exclude each other/,
    ],
    [
      ['generate', '--endpoint', LOCAL, '--key', 'k', '--content-disposition', 'attachment; filename="é.pdf"'],
      /printable ASCII.*--filename/,
    ],
    [['generate', '--endpoint', LOCAL, '--key', 'k', '--filename', ''], /file name/],
    [['status', '--endpoint', 'nope', '--id', NONCE_ID], /is not a URL/],
    [['revoke', '--endpoint', LOCAL, '--id'], /argument missing/],
    [['redeem'], /ACCESS_URL is required/],
    [['redeem', ACCESS_URL, ACCESS_URL], /One ACCESS_URL only/],
    [['redeem', ACCESS_URL, '--json'], /--json needs --url or --output/],
    [['redeem', ACCESS_URL, '--url', '--output', 'f'], /exclude each other/],
    [['redeem', 'not a url'], /ACCESS_URL is not an http\(s\) URL/],
    [['redeem', 'ftp://127.0.0.1/access-object?nonce=x', '--url'], /ACCESS_URL is not an http\(s\) URL/],
    [
      ['status', '--endpoint', 'https://abc.execute-api.us-east-1.amazonaws.com/prod', '--id', 'x', '--principal', 'p'],
      /local mode only/,
    ],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await run(argv);

    expect(result.code).toBe(EXIT.usage);
    // With --json the failure is a JSON line on stdout instead.
    expect(argv.includes('--json') ? JSON.parse(result.stdout).message : result.stderr).toMatch(message);
    expect(result.calls).toEqual([]);
  });
});

describe('presigned-url-nonce: producer commands', () => {
  it('generate: prints the accessUrl for people and the whole answer with --json', async () => {
    const human = await run(['generate', '--endpoint', LOCAL, '--key', 'hello.txt'], () =>
      jsonResponse(201, generatedBody(LOCAL)),
    );
    expect(human.code).toBe(EXIT.ok);
    expect(human.stdout).toContain(`accessUrl  ${LOCAL}/access-object?nonce=${NONCE}`);
    expect(human.stdout).toContain(`nonceId    ${NONCE_ID}`);

    const json = await run(
      ['generate', '--endpoint', LOCAL, '--key', 'hello.txt', '--max-uses', '2', '--expires-in', '60', '--json'],
      () => jsonResponse(201, generatedBody(LOCAL)),
    );
    expect(JSON.parse(json.stdout)).toEqual(generatedBody(LOCAL));
    expect(JSON.parse(json.calls[0]?.body ?? '')).toEqual({ key: 'hello.txt', maxUses: 2, expiresInSeconds: 60 });
  });

  it('generate --confirm mints a link for a person; status says so', async () => {
    const generated = await run(['generate', '--endpoint', LOCAL, '--key', 'hello.txt', '--confirm'], () =>
      jsonResponse(201, generatedBody(LOCAL)),
    );
    expect(JSON.parse(generated.calls[0]?.body ?? '')).toEqual({ key: 'hello.txt', confirm: true });
    const status = await run(['status', '--endpoint', LOCAL, '--id', NONCE_ID], () =>
      jsonResponse(200, { ...statusBody(), confirm: true }),
    );
    expect(status.stdout).toMatch(/confirm +yes/);
  });

  it('generate --filename sends a Content-Disposition S3 can echo, the exact name in filename*', async () => {
    const result = await run(['generate', '--endpoint', LOCAL, '--key', 'k', '--filename', 'résumé 2026.pdf'], () =>
      jsonResponse(201, generatedBody(LOCAL)),
    );

    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(JSON.parse(result.calls[0]?.body ?? '')).toEqual({
      key: 'k',
      responseContentDisposition: `attachment; filename="r_sum_ 2026.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.pdf`,
    });
  });

  it('status: reads the endpoint and the local principal from the environment', async () => {
    const result = await run(['status', '--id', NONCE_ID, '--json'], () => jsonResponse(200, statusBody()), {
      env: { PRESIGNED_URL_NONCE_ENDPOINT: LOCAL, PRESIGNED_URL_NONCE_PRINCIPAL: 'alice' },
    });

    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toEqual(statusBody());
    expect(result.calls[0]).toMatchObject({
      url: `${LOCAL}/nonces/${NONCE_ID}`,
      headers: { 'x-local-principal': 'alice' },
    });
  });

  it('status: the human form shows uses left of max', async () => {
    const result = await run(['status', '--endpoint', LOCAL, '--id', NONCE_ID], () => jsonResponse(200, statusBody()));

    expect(result.stdout).toContain('usesLeft   1 of 2');
    expect(result.stdout).toContain('key        reports/q1.pdf');
  });

  // One nonceId in 64 starts with "-" (base64url): node's parseArgs alone takes it for an option and
  // refuses `--id -abc…` as ambiguous (exit 2). That was the flaky CLI e2e case.
  it.each([
    ['-', `-${NONCE_ID.slice(1)}`],
    ['--', `--${NONCE_ID.slice(2)}`],
  ])('status and revoke take a nonceId that starts with %s', async (_, nonceId) => {
    const status = await run(['status', '--endpoint', LOCAL, '--id', nonceId], () => jsonResponse(200, statusBody()));
    expect(status.code, status.stderr).toBe(EXIT.ok);
    expect(status.calls[0]?.url).toBe(`${LOCAL}/nonces/${nonceId}`);

    const revoke = await run(
      ['revoke', '--id', nonceId, '--endpoint', LOCAL],
      () => new Response(null, { status: 204 }),
    );
    expect(revoke.code, revoke.stderr).toBe(EXIT.ok);
    expect(revoke.stdout).toBe(`revoked ${nonceId}\n`);
  });

  it('generate takes a key that starts with "-"; an option name after a valued option is still not a value', async () => {
    const generated = await run(['generate', '--endpoint', LOCAL, '--key', '-draft.txt'], () =>
      jsonResponse(201, generatedBody(LOCAL)),
    );
    expect(generated.code, generated.stderr).toBe(EXIT.ok);
    expect(JSON.parse(generated.calls[0]?.body ?? '')).toEqual({ key: '-draft.txt' });

    for (const argv of [
      ['generate', '--endpoint', LOCAL, '--key', '--json'],
      ['status', '--id', '--endpoint', LOCAL],
      ['status', '--endpoint', LOCAL, '--id', '-h'],
    ]) {
      const result = await run(argv);
      expect(result.calls, argv.join(' ')).toEqual([]);
    }
  });

  it('revoke: 204 prints what was revoked', async () => {
    const result = await run(['revoke', '--endpoint', LOCAL, '--id', NONCE_ID, '--principal', 'bob'], () => {
      return new Response(null, { status: 204 });
    });

    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(`revoked ${NONCE_ID}\n`);
    expect(result.calls[0]).toMatchObject({ method: 'DELETE', headers: { 'x-local-principal': 'bob' } });
  });
});

describe('presigned-url-nonce: exit codes for failures', () => {
  it.each([
    [404, 'not_found', EXIT.deniedOrNotFound],
    [404, 'object_not_found', EXIT.deniedOrNotFound],
    [403, 'missing_authentication_token', EXIT.deniedOrNotFound],
    [400, 'invalid_request', EXIT.failure],
    [503, 'service_unavailable', EXIT.unavailable],
    [429, 'throttled', EXIT.unavailable],
    [504, 'gateway_timeout', EXIT.unavailable],
  ])('%i %s exits %i, with the code on stderr, or as JSON on stdout with --json', async (status, code, exit) => {
    const argv = ['status', '--endpoint', LOCAL, '--id', NONCE_ID];
    const human = await run(argv, () => errorResponse(status, code, { 'retry-after': '1' }));
    expect(human.code).toBe(exit);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(`(${code}, HTTP ${status})`);

    const json = await run([...argv, '--json'], () => errorResponse(status, code, { 'retry-after': '1' }));
    expect(json.code).toBe(exit);
    expect(JSON.parse(json.stdout)).toEqual({ error: code, message: `The ${code} message.`, status });
  });

  it('retries a 503 before giving up with exit 4', async () => {
    const result = await run(['status', '--endpoint', LOCAL, '--id', NONCE_ID], () =>
      errorResponse(503, 'service_unavailable', { 'retry-after': '2' }),
    );

    expect(result.code).toBe(EXIT.unavailable);
    expect(result.calls).toHaveLength(3);
    expect(result.delays).toEqual([2000, 2000]);
    expect(result.stderr).toContain('retry after 2 s');
  });

  it('--json names every failure with a snake_case code, as the API does', async () => {
    const failures: [string[], Responder, string][] = [
      [['status', '--endpoint', LOCAL, '--id', NONCE_ID], refusedConnection, 'network_error'],
      [
        ['status', '--endpoint', LOCAL, '--id', NONCE_ID],
        () => new Response('<html>', { status: 502 }),
        'unexpected_response',
      ],
      [['status', '--endpoint', LOCAL], () => jsonResponse(200, statusBody()), 'usage_error'],
      [['redeem', 'not a url', '--url'], () => jsonResponse(200, {}), 'usage_error'],
      [['redeem', ACCESS_URL, '--output', join(tmpdir(), 'x.bin')], redirectThen(403), 'object_download_failed'],
      [['redeem', ACCESS_URL, '--output', join(tmpdir(), 'no-such-folder', 'x.bin')], redirectThen(200), 'local_error'],
    ];
    for (const [argv, responder, code] of failures) {
      const result = await run([...argv, '--json'], responder);
      const body = JSON.parse(result.stdout) as { error: string; message: string };
      expect(body.error, argv.join(' ')).toBe(code);
      expect(body.error).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(typeof body.message).toBe('string');
    }
  });

  it('exits 4 when nothing answers, 1 for an answer outside the contract', async () => {
    const refused = await run(['status', '--endpoint', LOCAL, '--id', NONCE_ID], () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    });
    expect(refused.code).toBe(EXIT.unavailable);
    expect(refused.stderr).toContain('ECONNREFUSED');

    const garbled = await run(
      ['status', '--endpoint', LOCAL, '--id', NONCE_ID],
      () => new Response('<html>', { status: 502 }),
    );
    expect(garbled.code).toBe(EXIT.failure);
  });

  it('redeem: a refused nonce exits 3', async () => {
    const result = await run(['redeem', ACCESS_URL], () => errorResponse(403, 'nonce_invalid'));

    expect(result.code).toBe(EXIT.deniedOrNotFound);
    expect(result.stderr).toContain('nonce_invalid');
    expect(result.stderr).not.toContain(NONCE);
  });
});

describe('presigned-url-nonce redeem', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'cli-redeem-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const BIG = Buffer.alloc(3 * 1024 * 1024, 7);
  const object =
    (body: Buffer): Responder =>
    (request, index) =>
      index === 0
        ? // The CLI redeems with POST (any nonce, confirm or not), answered 303 See Other.
          new Response(null, {
            status: request.method === 'POST' ? 303 : 405,
            headers: { location: 'http://127.0.0.1:4569/b/k?sig=1' },
          })
        : new Response(body, {
            headers: { 'content-length': String(body.length), 'content-type': 'application/octet-stream' },
          });

  it('writes the object to stdout by default', async () => {
    const result = await run(['redeem', ACCESS_URL], object(Buffer.from('hello\n')));

    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe('hello\n');
  });

  it('--url prints the presigned URL; with --json its expiry too', async () => {
    const answer = () => jsonResponse(200, { url: 'http://s3.example/k?sig=1', expiresAt: '2030-01-01T00:01:00.000Z' });

    expect((await run(['redeem', ACCESS_URL, '--url'], answer)).stdout).toBe('http://s3.example/k?sig=1\n');
    const json = await run(['redeem', ACCESS_URL, '--url', '--json'], answer);
    expect(JSON.parse(json.stdout)).toEqual({
      url: 'http://s3.example/k?sig=1',
      expiresAt: '2030-01-01T00:01:00.000Z',
    });
  });

  it('--output saves the file and draws a progress bar on a terminal for a large download', async () => {
    const output = join(folder, 'big.bin');
    const result = await run(['redeem', ACCESS_URL, '--output', output], object(BIG), { stderrTty: true });

    expect(result.code).toBe(EXIT.ok);
    expect((await readFile(output)).equals(BIG)).toBe(true);
    expect(result.stderr).toContain('] 100%  3.0 MiB / 3.0 MiB');
    expect(result.stderr).toContain(`saved 3.0 MiB to ${output}`);
  });

  it('draws no bar when stderr is not a terminal, nor for a small object, nor over the bytes on the terminal', async () => {
    const quiet = await run(['redeem', ACCESS_URL, '-o', join(folder, 'a.bin')], object(BIG));
    const small = await run(['redeem', ACCESS_URL, '-o', join(folder, 'b.bin')], object(Buffer.from('x')), {
      stderrTty: true,
    });
    const toTerminal = await run(['redeem', ACCESS_URL], object(BIG), { stderrTty: true, stdoutTty: true });

    for (const result of [quiet, small, toTerminal]) {
      expect(result.code).toBe(EXIT.ok);
      expect(result.stderr).not.toContain('%');
    }
  });

  it('--json with --output reports the file, its size and type', async () => {
    const output = join(folder, 'c.bin');
    const result = await run(['redeem', ACCESS_URL, '--output', output, '--json'], object(BIG));

    expect(JSON.parse(result.stdout)).toEqual({ output, bytes: BIG.length, contentType: 'application/octet-stream' });
  });

  it('removes a half-written file when the download fails', async () => {
    const output = join(folder, 'broken.bin');
    const failing: Responder = (_request, index) => {
      if (index === 0) return new Response(null, { status: 303, headers: { location: 'http://127.0.0.1:4569/b/k' } });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(1024));
          controller.error(new Error('connection reset'));
        },
      });
      return new Response(body);
    };

    const result = await run(['redeem', ACCESS_URL, '--output', output], failing);

    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toContain('connection reset');
    await expect(stat(output)).rejects.toThrow(/ENOENT/);
  });
});
