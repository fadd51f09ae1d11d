import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { redeem } from '../../client/index.js';
import { isHttpUrl, parseCommandArgs } from '../args.js';
import { UsageError } from '../exit-codes.js';
import { writeJson, writeLine } from '../io.js';
import { formatBytes, progressBar, wantsProgress } from '../progress.js';
import type { Command } from './command.js';

const counter = () => {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
};

export const redeemCommand: Command = {
  name: 'redeem',
  summary: 'redeem an accessUrl: download the object, or print its presigned URL (POST /access-object)',
  help: `Usage: presigned-url-nonce redeem ACCESS_URL [--output FILE] [--json]
       presigned-url-nonce redeem ACCESS_URL --url [--json]

Uses the nonce once, with POST: running redeem is the confirmation, so it redeems nonces minted with
--confirm (whose GET only shows a page) as well as the others. Without --output the object goes to stdout; a progress bar is drawn on stderr for
downloads over 1 MiB when stderr is a terminal (and the bytes do not go to it). A refused nonce (unknown,
used up, expired, revoked) exits 3. Quote the URL in a shell: it holds '?' and the nonce.

  -o, --output FILE  write the object to FILE (removed again if the download fails)
  --url              print the presigned URL instead of downloading (Accept: application/json);
                     it lives for seconds
  --json             with --url: {url, expiresAt}; with --output: {output, bytes, contentType}
  -h, --help         this text`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      'redeem',
      argv,
      { output: { type: 'string', short: 'o' }, url: { type: 'boolean' }, json: { type: 'boolean' } },
      true,
    );
    const [accessUrl, ...extra] = positionals;
    if (accessUrl === undefined) throw new UsageError('ACCESS_URL is required.', 'redeem');
    // A malformed value is a usage error (exit 2), found before any request. Not echoed: it may hold a nonce.
    if (!isHttpUrl(accessUrl)) throw new UsageError('ACCESS_URL is not an http(s) URL.', 'redeem');
    if (extra.length > 0) throw new UsageError(`One ACCESS_URL only; unexpected "${extra[0]}".`, 'redeem');
    if (values.url === true && values.output !== undefined) {
      throw new UsageError('--url and --output exclude each other.', 'redeem');
    }
    if (values.json === true && values.url !== true && values.output === undefined) {
      throw new UsageError('--json needs --url or --output: the object itself goes to stdout.', 'redeem');
    }
    const common = {
      // POST takes a use of any nonce; GET would only show a confirm nonce's offer.
      method: 'POST' as const,
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(io.sleep === undefined ? {} : { retry: { sleep: io.sleep } }),
    };

    if (values.url === true) {
      const redeemed = await redeem(accessUrl, { as: 'url', ...common });
      if (values.json === true) writeJson(io.stdout, { ...redeemed });
      else writeLine(io.stdout, redeemed.url);
      return;
    }

    const object = await redeem(accessUrl, { as: 'stream', ...common });
    const output = values.output;
    const count = counter();
    const stages = [
      Readable.fromWeb(object.body as NodeReadableStream<Uint8Array>),
      count.stream,
      wantsProgress(io.stderr, io.stdout, output !== undefined, object.contentLength)
        ? progressBar(io.stderr, object.contentLength)
        : new PassThrough(),
    ] as const;
    if (output === undefined) {
      // stdout is not ours to end.
      await pipeline(...stages, io.stdout, { end: false });
      return;
    }
    try {
      await pipeline(...stages, createWriteStream(output));
    } catch (error: unknown) {
      // A half-written file looks like a whole one: remove it.
      await rm(output, { force: true });
      throw error;
    }
    if (values.json === true) {
      writeJson(io.stdout, { output, bytes: count.bytes(), contentType: object.contentType ?? null });
    } else {
      writeLine(io.stderr, `saved ${formatBytes(count.bytes())} to ${output}`);
    }
  },
};
