import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { redeemUpload, uploadWithGrant } from '../../client/index.js';
import { isHttpUrl, parseCommandArgs } from '../args.js';
import { UsageError } from '../exit-codes.js';
import { writeJson, writeLine } from '../io.js';
import { formatBytes, progressBar, wantsProgress } from '../progress.js';
import type { Command } from './command.js';

/** The file's size, checked before the nonce is used: a missing, unreadable or empty file spends nothing. */
const fileSize = async (path: string): Promise<number> => {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file.`);
  if (info.size < 1) throw new Error(`${path} is empty: an upload takes 1 byte or more. The link was not used.`);
  return info.size;
};

export const uploadCommand: Command = {
  name: 'upload',
  summary: 'redeem an upload link: send one file to S3 at the key the producer chose (POST /access-object)',
  help: `Usage: presigned-url-nonce upload ACCESS_URL FILE [--json]

Uses an upload nonce once (POST) for a presigned POST, then streams FILE to S3 as multipart/form-data:
S3 stores it at the key the producer chose, refusing a file over the link's maxBytes. A file that is
missing or empty is refused before the link is used; once redeemed the link is spent, whether or not
S3 then takes the file (a file over maxBytes is not sent at all). A progress bar is drawn on stderr for
files over 1 MiB when stderr is a terminal. A refused nonce (unknown, used up, expired, revoked) exits 3.
Quote the URL in a shell: it holds '?' and the nonce.

  --json             {key, bytes, etag}
  -h, --help         this text`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('upload', argv, { json: { type: 'boolean' } }, true);
    const [accessUrl, file, ...extra] = positionals;
    if (accessUrl === undefined || file === undefined)
      throw new UsageError('ACCESS_URL and FILE are required.', 'upload');
    // Not echoed: it may hold a nonce.
    if (!isHttpUrl(accessUrl)) throw new UsageError('ACCESS_URL is not an http(s) URL.', 'upload');
    if (extra.length > 0) throw new UsageError(`One FILE only; unexpected "${extra[0]}".`, 'upload');
    const size = await fileSize(file);
    const grant = await redeemUpload(accessUrl, {
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(io.sleep === undefined ? {} : { retry: { sleep: io.sleep } }),
    });
    const source = createReadStream(file);
    const progress = wantsProgress(io.stderr, io.stdout, true, size) ? progressBar(io.stderr, size) : new PassThrough();
    const counted = source.pipe(progress as Transform);
    source.on('error', (error) => counted.destroy(error));
    const result = await uploadWithGrant(
      grant,
      { stream: Readable.toWeb(counted) as ReadableStream<Uint8Array>, size, fileName: basename(file) },
      io.fetch === undefined ? {} : { fetch: io.fetch },
    );
    const key = grant.upload.fields.key ?? '';
    if (values.json === true) writeJson(io.stdout, { key, bytes: size, etag: result.etag ?? null });
    else writeLine(io.stderr, `uploaded ${formatBytes(size)} to ${key}`);
  },
};
