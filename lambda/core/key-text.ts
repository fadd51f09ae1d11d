/** Rules about text that becomes an S3 key or a header value, shared by mint validation and upload rules. */

// C0 controls, DEL and C1 controls: none belongs in an object key or a header value.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export const hasControlCharacters = (value: string): boolean => CONTROL_CHARACTERS.test(value);

/**
 * A key with a "." or ".." path segment: HTTP clients and browsers resolve those before sending (RFC 3986
 * dot-segment removal), so a presigned URL for `a/../b` would reach the key `b`. Empty segments stay.
 */
export const hasDotSegment = (key: string): boolean =>
  key.split('/').some((segment) => segment === '.' || segment === '..');
