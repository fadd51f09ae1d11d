import { Transform } from 'node:stream';
import type { OutputStream } from './io.js';

/** Below this a download is over before a bar would be read. */
export const PROGRESS_THRESHOLD_BYTES = 1024 * 1024;

/** Redraw at most this often: a terminal redrawn per 16 KB chunk slows the download it reports. */
const REDRAW_INTERVAL_MS = 100;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
};

/** One line, redrawn in place: `[#########...........]  45%  4.5 MiB / 10.0 MiB`, or a count without a total. */
export const progressLine = (done: number, total: number | undefined, width = 30): string => {
  if (total === undefined || total <= 0) return `${formatBytes(done)}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}  ${formatBytes(done)} / ${formatBytes(total)}`;
};

/**
 * Whether to draw a bar: only for people (stderr is a terminal), only when the bytes do not go to that
 * same terminal, and only for a download large enough (or of unknown size).
 */
export const wantsProgress = (
  stderr: OutputStream,
  stdout: OutputStream,
  toFile: boolean,
  total: number | undefined,
): boolean =>
  stderr.isTTY === true &&
  (toFile || stdout.isTTY !== true) &&
  (total === undefined || total >= PROGRESS_THRESHOLD_BYTES);

/** A pass-through that counts the bytes and redraws the bar on `stream`; the last draw ends the line. */
export const progressBar = (
  stream: OutputStream,
  total: number | undefined,
  now: () => number = Date.now,
): Transform => {
  let done = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = () => {
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 40));
    // \r and erase-line: redraw over the previous state without scrolling.
    stream.write(`\r\u001b[2K${progressLine(done, total, width)}`);
    drawnAt = now();
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      if (now() - drawnAt >= REDRAW_INTERVAL_MS) draw();
      callback(null, chunk);
    },
    flush(callback) {
      draw();
      stream.write('\n');
      callback();
    },
  });
};
