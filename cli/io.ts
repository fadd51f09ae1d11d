import type { Writable } from 'node:stream';
import type { FetchLike } from '../client/index.js';

/** A writable that may be a terminal, as process.stdout and process.stderr are. */
export type OutputStream = Writable & { readonly isTTY?: boolean; readonly columns?: number };

/** Everything a command touches outside itself, so tests run commands in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** The client's wait between retries. @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const writeLine = (stream: OutputStream, line = ''): void => {
  stream.write(`${line}\n`);
};

/** ISO 8601 to the second, for people: the API's dates are whole seconds anyway. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** JSON for scripts, one object per line; Dates become ISO 8601 strings, as the API writes them. */
export const writeJson = (stream: OutputStream, value: Readonly<Record<string, unknown>>): void => {
  writeLine(stream, JSON.stringify(value));
};

/** Aligned `label  value` lines for people. */
export const writeTable = (stream: OutputStream, rows: ReadonlyArray<readonly [string, string]>): void => {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) writeLine(stream, `${label.padEnd(width)}  ${value}`);
};
