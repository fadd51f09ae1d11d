/**
 * The S3 emulator's front door for browser-based uploads. s3rver stores whatever a POST form sends; S3
 * first checks the form against its signed policy. Every request but a form POST to the bucket goes to
 * s3rver as before (presigned GETs included, unchanged). A form POST is read once, its raw bytes kept in a
 * temporary file while busboy parses the form: the form before the file is judged as S3 judges it
 * (s3-post-policy.ts), the file's size counted against the policy's range. Refused, the client gets S3's
 * XML error and nothing reaches s3rver; accepted, the very bytes received are replayed to s3rver through
 * a second listener on loopback, and s3rver's answer (204 by default) goes back to the client.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import {
  type FormFields,
  judgePostForm,
  judgeSize,
  type PolicyCredentials,
  type PostRefusal,
  type SizeRange,
} from './s3-post-policy.js';

const require = createRequire(import.meta.url);
type S3ErrorClass = new (
  code: string,
  message: string,
  detail?: Record<string, unknown>,
) => Error & { status: number; toXML(): string };
// s3rver 3.7.1's own error model (package.json pins the version), so the XML is s3rver's, as for its other errors.
const S3Error = require('s3rver/lib/models/error.js') as S3ErrorClass;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface PostFrontOptions {
  readonly bucketName: string;
  readonly credentials: PolicyCredentials;
  /** s3rver's request handler: everything but a form POST goes straight to it. */
  readonly s3rver: Handler;
  /** Where s3rver also listens, on loopback, for the accepted forms. */
  readonly upstream: () => { readonly host: string; readonly port: number };
  readonly clock?: () => number;
}

/** A form POST to the bucket (POST Object), path style as local mode addresses it. */
const isFormPost = (req: IncomingMessage, bucketName: string): boolean => {
  if (req.method !== 'POST') return false;
  const url = new URL(req.url ?? '/', 'http://s3.local');
  const path = url.pathname.replace(/\/$/, '');
  return (
    path === `/${bucketName}` && url.search === '' && /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')
  );
};

const sendRefusal = (res: ServerResponse, refusal: PostRefusal): void => {
  const error = new S3Error(refusal.code, refusal.message, { ...refusal.detail, RequestId: randomUUID() });
  const body = error.toXML();
  // The rest of the body is drained, not stored (S3 closes the connection instead; a client still sending
  // would then see a reset rather than this answer).
  res.writeHead(error.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

/** Copies every chunk to the temporary file before passing it on to the parser. */
const teeTo = (file: NodeJS.WritableStream): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      file.write(chunk, (error) => callback(error ?? null, chunk));
    },
  });

type Outcome = { readonly refusal: PostRefusal } | { readonly accepted: true };

/** Reads the whole form into `path`, judging it on the way; resolves once the body is read or refused. */
const readForm = (req: IncomingMessage, path: string, options: PostFrontOptions): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const sink = createWriteStream(path);
    const fields: [string, string][] = [];
    let range: SizeRange | undefined;
    let judging: Promise<void> = Promise.resolve();
    let refusal: PostRefusal | undefined;
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      if ('refusal' in outcome) {
        req.unpipe();
        req.resume();
      }
      sink.end(() => resolve(outcome));
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1 } });
    } catch {
      settle({
        refusal: {
          code: 'MalformedPOSTRequest',
          message: 'The body of your POST request is not well-formed multipart/form-data.',
        },
      });
      return;
    }
    parser.on('field', (name, value) => {
      // Fields after the file are not part of the upload (S3 ignores them).
      if (range === undefined && refusal === undefined) fields.push([name, value]);
    });
    parser.on('file', (name, file) => {
      if (name !== 'file' || range !== undefined || refusal !== undefined) {
        file.resume();
        return;
      }
      let bytes = 0;
      let accepted = false;
      judging = judgePostForm(fields as FormFields, {
        bucketName: options.bucketName,
        credentials: options.credentials,
        nowMs: (options.clock ?? Date.now)(),
      }).then((decision) => {
        if (!decision.accepted) {
          refusal = decision.refusal;
          settle({ refusal: decision.refusal });
          return;
        }
        range = decision.size;
        accepted = true;
        // Chunks counted before the decision are checked now.
        const early = judgeSize(bytes, { min: 0, max: range.max });
        if (early !== undefined) settle({ refusal: early });
      });
      file.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (accepted && range !== undefined && bytes > range.max) {
          const tooLarge = judgeSize(bytes, range);
          if (tooLarge !== undefined) settle({ refusal: tooLarge });
        }
      });
      file.on('end', () => {
        judging = judging.then(() => {
          if (range === undefined || settled) return;
          const wrongSize = judgeSize(bytes, range);
          if (wrongSize !== undefined) settle({ refusal: wrongSize });
        });
      });
    });
    parser.on('close', () => {
      // No file: s3rver answers that case itself (InvalidArgument), as S3 does.
      judging.then(() => settle({ accepted: true }), reject);
    });
    parser.on('error', () =>
      settle({
        refusal: {
          code: 'MalformedPOSTRequest',
          message: 'The body of your POST request is not well-formed multipart/form-data.',
        },
      }),
    );
    req.on('error', reject);
    req.pipe(teeTo(sink)).pipe(parser);
  });

/** Sends the accepted form, byte for byte, to s3rver's loopback listener and relays its answer. */
const replay = async (req: IncomingMessage, res: ServerResponse, path: string, options: PostFrontOptions) => {
  const { size } = await stat(path);
  const { host, port } = options.upstream();
  const { 'transfer-encoding': _chunked, ...headers } = req.headers;
  await new Promise<void>((resolve, reject) => {
    const upstream = request(
      { host, port, method: 'POST', path: req.url, headers: { ...headers, 'content-length': String(size) } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        pipeline(answer, res).then(resolve, reject);
      },
    );
    upstream.on('error', reject);
    pipeline(createReadStream(path), upstream).catch(reject);
  });
};

/**
 * The emulator's request handler: a form POST is judged, anything else is s3rver's. Temporary files live
 * in one folder per front, removed by `close`.
 */
export const createPostFront = async (
  options: PostFrontOptions,
): Promise<{ handler: Handler; close(): Promise<void> }> => {
  const folder = await mkdtemp(join(tmpdir(), 'presigned-url-nonce-post-'));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = join(folder, randomUUID());
    try {
      const outcome = await readForm(req, path, options);
      if ('refusal' in outcome) sendRefusal(res, outcome.refusal);
      else await replay(req, res, path, options);
    } catch {
      if (!res.headersSent)
        sendRefusal(res, { code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
      else res.destroy();
    } finally {
      await rm(path, { force: true });
    }
  };
  return {
    handler: (req, res) => {
      if (isFormPost(req, options.bucketName)) void handle(req, res);
      else options.s3rver(req, res);
    },
    close: () => rm(folder, { recursive: true, force: true }),
  };
};
