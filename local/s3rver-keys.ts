/**
 * Object keys of every length S3 allows, in s3rver. s3rver stores an object at a path made of its key
 * (`a/b.txt` → `<bucket>/a/b.txt._S3rver_object`), so a key segment past what a file name may hold (255
 * bytes, less s3rver's suffix) failed: a 500, or, on upload, an error event nobody handled that ended
 * the process. Here each segment is stored in chunks of at most CHUNK_BYTES, one folder level per chunk,
 * and read back whole. The mapping stays reversible, so listing returns the keys as they were stored:
 *
 * - `&` (and, on Windows, what a file name cannot hold) is written `&` + two hex digits, as s3rver itself
 *   does on Windows, so a stored `&` is always the start of an escape or of the next marker;
 * - a segment cut into chunks ends each chunk but the last with `&`: `&/` joins the chunks again.
 *
 * Keys over 1024 UTF-8 bytes are refused with S3's own KeyTooLongError (400), as S3 refuses them.
 * s3rver reads its key codec as statics of its FilesystemStore class and its store through
 * getResourcePath: this patches those, once, for every s3rver in the process.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface StoreClass {
  encodeKeyPath(key: string): string;
  decodeKeyPath(keyPath: string): string;
  prototype: {
    getResourcePath(bucket: string, key?: string, resource?: string): string;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
}
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

// s3rver 3.7.1's own modules (package.json pins the version); it has no exports map to forbid this.
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as StoreClass;
const S3Error = require('s3rver/lib/models/error.js') as S3ErrorClass;

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** A chunk and s3rver's longest suffix (`._S3rver_metadata.json`, 22 bytes) fit in a 255-byte file name. */
const CHUNK_BYTES = 200;
const WINDOWS_UNSAFE = new Set(['<', '>', ':', '"', '\\', '|', '?', '*']);

const escapes = (char: string): boolean => char === '&' || (process.platform === 'win32' && WINDOWS_UNSAFE.has(char));
const escaped = (char: string): string => `&${char.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One key segment as stored: escaped, then cut into chunks joined by `&/`. */
const encodeSegment = (segment: string): string => {
  const chunks: string[] = [];
  let current = '';
  for (const char of segment) {
    const unit = escapes(char) ? escaped(char) : char;
    if (current !== '' && Buffer.byteLength(current + unit) > CHUNK_BYTES) {
      chunks.push(current);
      current = '';
    }
    current += unit;
  }
  chunks.push(current);
  return chunks.join('&/');
};

export const encodeKey = (key: string): string => key.split('/').map(encodeSegment).join('/');

export const decodeKey = (keyPath: string): string =>
  keyPath
    .replaceAll('&/', '')
    .replace(/&([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

let installed = false;

/** Patches s3rver's key codec and store, once; call it before the first request. */
export const installKeyCodec = (): void => {
  if (installed) return;
  installed = true;
  FilesystemStore.encodeKeyPath = encodeKey;
  FilesystemStore.decodeKeyPath = decodeKey;

  const { getResourcePath, deleteObject } = FilesystemStore.prototype;
  FilesystemStore.prototype.getResourcePath = function (bucket, key, resource) {
    if (key !== undefined && Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw new S3Error('KeyTooLongError', 'Your key is too long', {
        Size: Buffer.byteLength(key),
        MaxSizeAllowed: MAX_KEY_BYTES,
      });
    }
    return getResourcePath.call(this, bucket, key, resource);
  };
  FilesystemStore.prototype.deleteObject = async function (bucket, key) {
    try {
      await deleteObject.call(this, bucket, key);
    } catch (error: unknown) {
      // The object is gone; s3rver's tidying of empty folders walks the key as given, not as stored.
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      if (code !== 'ENOENT' || encodeKey(key) === key) throw error;
    }
  };
};
