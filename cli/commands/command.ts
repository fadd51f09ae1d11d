import type { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/**
 * One sub-command: its help text, and a run that throws UsageError or a client error to fail. A run
 * that reports its own outcome (smoke) returns its exit code; nothing returned is success.
 */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The whole `--help` text. */
  readonly help: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: void, so the commands that return nothing need no `return undefined`.
  run(argv: readonly string[], io: CliIo): Promise<ExitCode | void>;
}
