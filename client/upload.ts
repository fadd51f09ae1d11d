import { randomBytes } from 'node:crypto';
import { checkAccessUrl } from './access-url.js';
import { ObjectUploadError, UnexpectedResponseError } from './errors.js';
import { expectJson, fetchOrThrow, type RetryOptions, resolveRetry, sendWithRetry } from './http.js';
import { parseUploadGrant } from './responses.js';
import type { FetchLike, UploadGrant } from './types.js';

export interface RedeemUploadOptions {
  /** 503 and 429 leave the nonce unused, so they are retried. */
  readonly retry?: RetryOptions;
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

/**
 * Redeems an upload nonce: one use, for a presigned POST (`{upload: {method, url, fields}, expiresAt,
 * maxBytes}`) that lives for seconds. POST, as the CLI's redeem does; a refused nonce is ApiError
 * `nonce_invalid` (403). A download nonce's answer is not an upload grant: UnexpectedResponseError, and
 * its use is spent (redeem it with `redeem` instead).
 */
export const redeemUpload = async (accessUrl: string, options: RedeemUploadOptions = {}): Promise<UploadGrant> => {
  const url = checkAccessUrl(accessUrl);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const response = await sendWithRetry(
    () =>
      fetchOrThrow(fetchFn, url.href, {
        method: 'POST',
        headers: { accept: 'application/json' },
        redirect: 'manual',
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    resolveRetry(options.retry),
  );
  return expectJson(response, 200, parseUploadGrant);
};

export interface UploadBody {
  /** The file's bytes, streamed. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Its exact size: S3 needs the request's length, and the grant's maxBytes is checked before sending. */
  readonly size: number;
  /** The name sent in the file part (S3 keeps the key the producer chose, whatever this is). */
  readonly fileName?: string;
}

export interface UploadOptions {
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

export interface UploadResult {
  /** S3's answer: 204 No Content unless the form asked otherwise. */
  readonly status: number;
  readonly etag?: string;
}

/** A form-data part name or file name as browsers escape it (WHATWG HTML: `"`, CR and LF percent-encoded). */
const quoted = (value: string): string => `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

/**
 * The form around the file: every field, then the file part's head; and the closing boundary. Written out
 * here rather than through FormData so the file streams with a known Content-Length, which S3 needs, and
 * a caller can count the bytes as they go.
 */
const formParts = (fields: Readonly<Record<string, string>>, fileName: string) => {
  const boundary = `----presigned-url-nonce-${randomBytes(12).toString('hex')}`;
  const head = [
    ...Object.entries(fields).map(
      ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`,
    ),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(fileName)}\r\n`,
    'Content-Type: application/octet-stream\r\n\r\n',
  ].join('');
  return { boundary, head: Buffer.from(head, 'utf8'), tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8') };
};

/** S3's error code from its XML answer, if it has one. */
const s3CodeOf = (xml: string): string | undefined => /<Code>([^<]{1,64})<\/Code>/.exec(xml)?.[1];

/**
 * Sends a file through a redeemed upload grant: the grant's fields and then the file, last, as
 * multipart/form-data, straight to S3. A file over `maxBytes`, or an empty one, is refused before
 * anything is sent (ObjectUploadError; the nonce's use is already spent); S3's refusal is an
 * ObjectUploadError with its status and code.
 */
export const uploadWithGrant = async (
  grant: UploadGrant,
  body: UploadBody,
  options: UploadOptions = {},
): Promise<UploadResult> => {
  if (body.size > grant.maxBytes) {
    await body.stream.cancel().catch(() => undefined);
    throw new ObjectUploadError(
      `The file is ${body.size} bytes; this link accepts at most ${grant.maxBytes}. Nothing was sent, and the link is spent.`,
    );
  }
  if (body.size < 1) {
    await body.stream.cancel().catch(() => undefined);
    throw new ObjectUploadError('The file is empty; S3 takes 1 byte or more. Nothing was sent, and the link is spent.');
  }
  const { boundary, head, tail } = formParts(grant.upload.fields, body.fileName ?? 'file');
  const reader = body.stream.getReader();
  let stage: 'head' | 'file' | 'tail' | 'done' = 'head';
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'file';
        controller.enqueue(head);
        return;
      }
      if (stage === 'file') {
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        stage = 'tail';
      }
      if (stage === 'tail') {
        stage = 'done';
        controller.enqueue(tail);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const fetchFn = options.fetch ?? globalThis.fetch;
  const response = await fetchOrThrow(fetchFn, grant.upload.url, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + body.size + tail.length),
    },
    body: stream,
    // A streamed request body: fetch sends it as it is read (Node's fetch requires saying so).
    duplex: 'half',
    redirect: 'manual',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  } as RequestInit);
  const text = await response.text();
  if (response.status >= 200 && response.status < 300) {
    const etag = response.headers.get('etag') ?? undefined;
    return { status: response.status, ...(etag === undefined ? {} : { etag }) };
  }
  if (response.status >= 400) {
    const code = s3CodeOf(text);
    throw new ObjectUploadError(
      `S3 refused the upload (HTTP ${response.status}${code === undefined ? '' : `, ${code}`}); the link is spent.`,
      response.status,
      code,
    );
  }
  throw new UnexpectedResponseError(response.status, 'S3 answered the upload with a status outside 2xx and 4xx/5xx');
};
