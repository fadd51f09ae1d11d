import { ApiError, PresignedUrlNonceError } from '../client/index.js';
import type { Command } from './commands/command.js';
import { generateCommand, revokeCommand, statusCommand } from './commands/producer.js';
import { redeemCommand } from './commands/redeem.js';
import { smokeCommand } from './commands/smoke.js';
import { uploadCommand } from './commands/upload.js';
import { EXIT, type ExitCode, errorCodeFor, exitCodeFor, UsageError } from './exit-codes.js';
import { type CliIo, writeJson, writeLine } from './io.js';
import { VERSION } from './version.js';

export const PROGRAM = 'presigned-url-nonce';

const COMMANDS: readonly Command[] = [
  generateCommand,
  statusCommand,
  revokeCommand,
  redeemCommand,
  uploadCommand,
  smokeCommand,
];

const mainHelp = (): string => {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: ${PROGRAM} <command> [options]

One-time (or N-time), expiring, revocable links to private S3 objects.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run '${PROGRAM} <command> --help' for a command's options; '${PROGRAM} --version' for the version.

Exit codes: 0 ok, 1 other failure, 2 usage, 3 denied or not found, 4 service unavailable (retry later).`;
};

/** `--help` anywhere before a `--` terminator, so `generate --key x --help` helps rather than fails. */
const asksForHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

/** What a failure looks like: one line for people, or the API's own shape for scripts. */
const report = (error: unknown, io: CliIo, json: boolean): void => {
  if (json) {
    if (error instanceof ApiError) {
      writeJson(io.stdout, { error: error.code, message: error.message, status: error.status });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      writeJson(io.stdout, { error: errorCodeFor(error), message });
    }
    return;
  }
  if (error instanceof ApiError) {
    writeLine(io.stderr, `error: ${error.message} (${error.code}, HTTP ${error.status})`);
    if (error.retryAfterSeconds !== undefined) writeLine(io.stderr, `retry after ${error.retryAfterSeconds} s`);
  } else if (error instanceof UsageError) {
    writeLine(io.stderr, `error: ${error.message}`);
    writeLine(io.stderr, `Run '${PROGRAM} ${error.command ?? ''}${error.command === undefined ? '' : ' '}--help'.`);
  } else if (error instanceof PresignedUrlNonceError || error instanceof Error) {
    writeLine(io.stderr, `error: ${error.message}`);
  } else {
    writeLine(io.stderr, `error: ${String(error)}`);
  }
};

/** The whole CLI, in-process: parses argv, runs one command, reports, and returns the exit code. */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<ExitCode> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const stream = name === undefined ? io.stderr : io.stdout;
    writeLine(stream, mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    writeLine(io.stdout, VERSION);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    report(
      new UsageError(`Unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}.`),
      io,
      false,
    );
    return EXIT.usage;
  }
  if (asksForHelp(rest)) {
    writeLine(io.stdout, command.help);
    return EXIT.ok;
  }
  try {
    return (await command.run(rest, io)) ?? EXIT.ok;
  } catch (error: unknown) {
    report(error, io, rest.includes('--json'));
    return exitCodeFor(error);
  }
};
