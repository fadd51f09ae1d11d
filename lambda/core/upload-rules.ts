import { InvalidRequestError, UploadsDisabledError } from './errors.js';
import { hasControlCharacters, hasDotSegment } from './key-text.js';

/**
 * Upload nonces: which keys they may target and how large an object may be. Uploads are opt-in: without
 * an upload key prefix the service mints and redeems none, and AccessObject's role has no s3:PutObject.
 */

/** S3 takes at most 5 GiB in one PUT, and a POST is "an alternate form of PUT" (docs/aws-behaviour.md). */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** An S3 key is at most 1024 UTF-8 bytes; a prefix leaves room for at least one byte of name. */
const MAX_PREFIX_BYTES = 1023;

/**
 * Why `prefix` cannot be the upload key prefix, or undefined when it can. It must end in "/" (a bare
 * `incoming` would also cover `incoming.txt` and `incoming-old/`, and the IAM grant `bucket/<prefix>*`
 * with it), hold no IAM wildcard or policy variable (`*`, `?`, `$`: the grant would reach further than
 * the prefix), no control character and no "." or ".." segment (no key under it could be minted).
 * lib/options.ts states the same rule for the CDK option (lib/ may not import lambda/); test/infra/context.test.ts
 * holds the two equal.
 */
export const uploadKeyPrefixProblem = (prefix: string): string | undefined => {
  if (!prefix.endsWith('/')) return 'must end with "/", such as "incoming/"';
  if (Buffer.byteLength(prefix, 'utf8') > MAX_PREFIX_BYTES) return `must be at most ${MAX_PREFIX_BYTES} bytes`;
  if (/[*?$]/.test(prefix)) return 'must not contain "*", "?" or "$" (IAM reads them as wildcards and variables)';
  if (hasControlCharacters(prefix)) return 'must not contain control characters';
  if (hasDotSegment(prefix)) return 'must not have a "." or ".." path segment';
  return undefined;
};

/** S3 replaces this in every form field with the uploaded file's name (docs/aws-behaviour.md). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own variable, written as S3 reads it.
export const FILENAME_VARIABLE = '${filename}';

/**
 * Throws unless an upload nonce may target `key`: uploads enabled, and the key strictly under the prefix
 * (the prefix itself would be a folder marker, not an object anyone asked for). A key holding
 * `${filename}` is refused: S3 expands it from the consumer's file name, so the key would be the
 * consumer's choice, and AWS's createPresignedPost turns such a key into a `starts-with` condition.
 */
export const checkUploadKey = (prefix: string | undefined, key: string): void => {
  if (prefix === undefined) throw new UploadsDisabledError();
  if (!key.startsWith(prefix) || key.length === prefix.length) {
    throw new InvalidRequestError(
      `Field "key" must start with ${JSON.stringify(prefix)}, followed by a name, for an upload.`,
      'key',
    );
  }
  if (key.includes(FILENAME_VARIABLE)) {
    throw new InvalidRequestError(
      `Field "key" must not contain ${FILENAME_VARIABLE} for an upload: the producer chooses the whole key.`,
      'key',
    );
  }
};
