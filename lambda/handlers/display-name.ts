import { parse } from 'content-disposition';

/**
 * The file name a confirmation page shows: the one the download will carry — the Content-Disposition's
 * `filename*` (RFC 8187, UTF-8) or `filename`, as the content-disposition package reads them, `filename*`
 * first — else the key's last segment. Only its last path segment, and without the invisible bidirectional
 * controls that can make `report<U+202E>fdp.exe` read as `reportexe.pdf`. The page HTML-escapes it.
 */

// Marks and embeddings/overrides/isolates: invisible, and they reorder what a person reads.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const FALLBACK_NAME = 'file';

const dispositionFileName = (disposition: string | undefined): string | undefined => {
  if (disposition === undefined) return undefined;
  try {
    return parse(disposition).parameters.filename;
  } catch {
    // Not a value the package can read (the producer's string is passed to S3 as given): use the key.
    return undefined;
  }
};

const lastSegment = (path: string): string =>
  path
    .split(/[/\\]/)
    .filter((segment) => segment !== '')
    .at(-1) ?? '';

const clean = (name: string): string => lastSegment(name.replace(BIDI_CONTROLS, '')).trim();

export const displayNameOf = (key: string, disposition?: string): string => {
  const fromDisposition = dispositionFileName(disposition);
  const named = fromDisposition === undefined ? '' : clean(fromDisposition);
  if (named !== '') return named;
  return clean(key) || FALLBACK_NAME;
};
