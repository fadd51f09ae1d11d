import type { CliIo } from '../io.js';

/** One sub-command: its help text, and a run that throws UsageError or a client error to fail. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The whole `--help` text. */
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<void>;
}
