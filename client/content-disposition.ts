import { PresignedUrlNonceError } from './errors.js';

/** The service's limit on `responseContentDisposition`. */
const MAX_LENGTH = 512;

export interface ContentDispositionOptions {
  /** `attachment` (save the file) or `inline` (show it in the browser). @default 'attachment' */
  readonly type?: 'attachment' | 'inline';
}

/** Printable ASCII that is safe inside a quoted-string and not mistaken for percent-encoding (RFC 6266 D). */
const PLAIN = /^[\x20-\x21\x23-\x24\x26-\x5b\x5d-\x7e]+$/;

/** RFC 5987 attr-char is narrower than what encodeURIComponent leaves alone: encode ' ( ) * as well. */
const encodeExtValue = (name: string): string =>
  encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );

/**
 * A `responseContentDisposition` the service accepts and S3 can echo in a header (printable ASCII), for
 * any file name: `attachment; filename="report.pdf"`, or, for a name that is not plain ASCII, an ASCII
 * fallback followed by the exact name in RFC 5987's `filename*=UTF-8''…` (RFC 6266), which browsers prefer:
 * `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`.
 */
export const contentDispositionFor = (fileName: string, options: ContentDispositionOptions = {}): string => {
  const type = options.type ?? 'attachment';
  if (fileName === '' || !fileName.isWellFormed()) {
    throw new PresignedUrlNonceError('The file name must be a non-empty, well-formed string.');
  }
  const value = PLAIN.test(fileName)
    ? `${type}; filename="${fileName}"`
    : `${type}; filename="${[...fileName].map((char) => (PLAIN.test(char) ? char : '_')).join('')}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
  if (value.length > MAX_LENGTH) {
    throw new PresignedUrlNonceError(
      `The file name is too long: its Content-Disposition would be ${value.length} characters, over ${MAX_LENGTH}.`,
    );
  }
  return value;
};
