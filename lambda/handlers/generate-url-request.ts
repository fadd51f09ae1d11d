import type { APIGatewayProxyEvent } from 'aws-lambda';
// zod/mini: the same parser, tree-shakable — 18 KB in the bundle instead of about 450 KB.
import * as z from 'zod/mini';
import {
  InvalidJsonError,
  InvalidRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../core/errors.js';
import type { UploadRequest } from '../core/issue-nonce.js';
import { hasControlCharacters, hasDotSegment } from '../core/key-text.js';
import { MAX_UPLOAD_BYTES } from '../core/upload-rules.js';
import { bodyBytes, headerOf, mediaTypeOf } from '../shared/http.js';

export const MAX_BODY_BYTES = 8192;
export const MAX_KEY_BYTES = 1024;
export const MAX_DISPOSITION_LENGTH = 512;
export const DEFAULT_EXPIRES_IN_SECONDS = 3600;
export const DEFAULT_MAX_USES = 1;
export const MAX_CONTENT_TYPE_LENGTH = 255;

export interface RequestLimits {
  readonly maxExpiresInSeconds: number;
  readonly maxUsesLimit: number;
}

/**
 * What S3 can echo as the Content-Disposition header: printable ASCII (0x20-0x7E). A non-ASCII file name
 * travels percent-encoded in RFC 5987's `filename*=UTF-8''…` (RFC 6266), which is ASCII too.
 */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** RFC 9110's token characters, of which a media type's type, subtype and parameter names are made. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/**
 * A media type as a Content-Type header carries it: `type/subtype`, optionally `; name=value` parameters
 * (a token or a quoted string of printable ASCII). S3 stores it as the object's Content-Type, exactly.
 */
const MEDIA_TYPE = new RegExp(
  String.raw`^${TOKEN}/${TOKEN}(?:[ \t]*;[ \t]*${TOKEN}=(?:${TOKEN}|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"))*$`,
);

const text = (maxBytes: number) =>
  z.string().check(
    z.refine((value) => value.isWellFormed(), 'is not well-formed Unicode'),
    z.refine((value) => !hasControlCharacters(value), 'contains control characters'),
    z.refine((value) => Buffer.byteLength(value, 'utf8') <= maxBytes, `is longer than ${maxBytes} bytes`),
  );

/** The POST /generate-url body. `null` is not "absent": only a missing field takes its default. */
export const generateUrlRequestSchema = (limits: RequestLimits) =>
  z.strictObject({
    key: text(MAX_KEY_BYTES).check(
      z.minLength(1, 'is empty'),
      z.refine((key) => !hasDotSegment(key), 'has a "." or ".." path segment'),
    ),
    expiresInSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(limits.maxExpiresInSeconds))),
    maxUses: z.optional(z.int().check(z.minimum(1), z.maximum(limits.maxUsesLimit))),
    responseContentDisposition: z.optional(
      z.string().check(z.maxLength(MAX_DISPOSITION_LENGTH), z.regex(PRINTABLE_ASCII, 'is not printable ASCII')),
    ),
    confirm: z.optional(z.boolean()),
    operation: z.optional(z.enum(['download', 'upload'])),
    maxBytes: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_UPLOAD_BYTES))),
    contentType: z.optional(
      z.string().check(z.maxLength(MAX_CONTENT_TYPE_LENGTH), z.regex(MEDIA_TYPE, 'is not a media type')),
    ),
    overwrite: z.optional(z.boolean()),
  });

export type GenerateUrlBody = z.infer<ReturnType<typeof generateUrlRequestSchema>>;

export interface GenerateUrlRequest {
  readonly key: string;
  readonly expiresInSeconds: number;
  readonly maxUses: number;
  readonly responseContentDisposition?: string;
  readonly confirm: boolean;
  /** An upload nonce's limits; absent for a download. */
  readonly upload?: UploadRequest;
}

const RULES = (limits: RequestLimits): Readonly<Record<string, string>> => ({
  key: `must be a string of 1 to ${MAX_KEY_BYTES} UTF-8 bytes without control characters or "." and ".." path segments`,
  expiresInSeconds: `must be a whole number of seconds from 1 to ${limits.maxExpiresInSeconds}`,
  maxUses: `must be a whole number from 1 to ${limits.maxUsesLimit}`,
  responseContentDisposition:
    `must be a string of at most ${MAX_DISPOSITION_LENGTH} printable ASCII characters, such as ` +
    `attachment; filename="report.pdf" (a non-ASCII file name goes percent-encoded in filename*=UTF-8''…)`,
  confirm: 'must be true or false',
  operation: 'must be "download" or "upload"',
  maxBytes: `must be a whole number of bytes from 1 to ${MAX_UPLOAD_BYTES} (5 GiB, S3's limit for one upload)`,
  contentType: `must be a media type of at most ${MAX_CONTENT_TYPE_LENGTH} characters, such as "application/pdf"`,
  overwrite: 'must be true or false',
});

/** The fields an upload needs or refuses, and those only an upload takes. */
const UPLOAD_ONLY = ['maxBytes', 'contentType', 'overwrite'] as const;
const DOWNLOAD_ONLY = ['responseContentDisposition', 'confirm'] as const;

/**
 * The rules that tie fields together. An upload needs `maxBytes`, is single-use (one object, at one key)
 * and takes neither a download's Content-Disposition nor `confirm` (a form upload is an app's or a
 * script's act, and POST is what takes its use); a download takes none of the upload's fields.
 */
const checkOperation = (body: GenerateUrlBody): void => {
  if (body.operation === 'upload') {
    for (const field of DOWNLOAD_ONLY) {
      if (body[field] !== undefined) {
        throw new InvalidRequestError(`Field "${field}" is for downloads only: an upload nonce refuses it.`, field);
      }
    }
    if (body.maxBytes === undefined) {
      throw new InvalidRequestError(
        'Field "maxBytes" is required for an upload: the largest object accepted.',
        'maxBytes',
      );
    }
    if (body.maxUses !== undefined && body.maxUses !== 1) {
      throw new InvalidRequestError('Field "maxUses" must be 1 for an upload: one object, once.', 'maxUses');
    }
    return;
  }
  for (const field of UPLOAD_ONLY) {
    if (body[field] !== undefined) {
      throw new InvalidRequestError(`Field "${field}" is for uploads only: add "operation": "upload".`, field);
    }
  }
};

const describeFailure = (error: z.core.$ZodError, limits: RequestLimits): InvalidRequestError => {
  const issue = error.issues[0];
  if (issue === undefined) return new InvalidRequestError('The request body is not acceptable.');
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? '';
    return new InvalidRequestError(
      `Unknown field "${field}": allowed are ${Object.keys(RULES(limits)).join(', ')}.`,
      field,
    );
  }
  const field = issue.path[0];
  if (typeof field !== 'string') {
    return new InvalidRequestError('The request body must be a JSON object.');
  }
  const rule = RULES(limits)[field];
  return new InvalidRequestError(`Field "${field}" ${rule ?? 'is not acceptable'}.`, field);
};

/** The body's bytes as received: API Gateway hands binary bodies over base64-encoded. */
const bodyText = (event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string => {
  if (event.body === null || event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

export type GenerateUrlRequestParser = (
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
) => GenerateUrlRequest;

/** Size, then media type, then JSON, then the schema: each failure is a 4xx naming what is wrong. */
export const createGenerateUrlRequestParser = (limits: RequestLimits): GenerateUrlRequestParser => {
  const schema = generateUrlRequestSchema(limits);
  const defaultExpiresInSeconds = Math.min(DEFAULT_EXPIRES_IN_SECONDS, limits.maxExpiresInSeconds);
  return (event) => {
    if (bodyBytes(event) > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    if (mediaTypeOf(headerOf(event, 'content-type')) !== 'application/json') throw new UnsupportedMediaTypeError();
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText(event));
    } catch {
      throw new InvalidJsonError();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidRequestError('The request body must be a JSON object.');
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw describeFailure(result.error, limits);
    const body = result.data;
    checkOperation(body);
    return {
      key: body.key,
      expiresInSeconds: body.expiresInSeconds ?? defaultExpiresInSeconds,
      maxUses: body.maxUses ?? DEFAULT_MAX_USES,
      confirm: body.confirm ?? false,
      ...(body.responseContentDisposition === undefined
        ? {}
        : { responseContentDisposition: body.responseContentDisposition }),
      ...(body.operation === 'upload' && body.maxBytes !== undefined
        ? {
            upload: {
              maxBytes: body.maxBytes,
              overwrite: body.overwrite ?? false,
              ...(body.contentType === undefined ? {} : { contentType: body.contentType }),
            },
          }
        : {}),
    };
  };
};
