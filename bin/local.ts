/**
 * `npm start`: the local stack in one process. Prints `ready: http://HOST:PORT` once it serves;
 * SIGINT/SIGTERM close everything and exit 0; a start-up failure is one line on stderr and exit 1.
 */
import { ConfigError } from '../lambda/shared/env.js';
import { bannerLines, UNAUTHENTICATED_WARNING } from '../local/banner.js';
import { fixedPorts, type LocalConfig, loadLocalConfig, PORT_VARIABLES } from '../local/config.js';
import { prepareDataDir } from '../local/data-dir.js';
import type { LocalStack } from '../local/local-stack.js';
import { assertPortFree, PortInUseError } from '../local/net.js';

/** The contract allows 2 s from the signal to no process left; stop hard a little before that. */
const SHUTDOWN_DEADLINE_MS = 1_800;

const describeFailure = (error: unknown): string => {
  if (error instanceof PortInUseError) {
    const variable = PORT_VARIABLES[error.service];
    return `error: port ${error.port} on ${error.host} is already in use; set ${variable} to a free port (or ${variable}=0 for any free port).`;
  }
  if (error instanceof ConfigError) return `error: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `error: local mode could not start: ${message.split('\n', 1)[0]}`;
};

const fail = (error: unknown): never => {
  process.stderr.write(`${describeFailure(error)}\n`);
  process.exit(1);
};

const configFrom = (env: NodeJS.ProcessEnv): LocalConfig => {
  try {
    return loadLocalConfig(env);
  } catch (error: unknown) {
    return fail(error);
  }
};

const config = configFrom(process.env);

/**
 * A port in use is reported before anything heavy loads: the emulators, the AWS SDK and the handlers
 * are imported only once the ports are known to be free (they may still be taken in between: the real
 * binds report it the same way).
 */
const start = async (): Promise<LocalStack> => {
  // Before either emulator writes there: a file, an unwritable folder or /proc is named, never a hang.
  if (config.dataDir !== undefined) await prepareDataDir(config.dataDir);
  for (const [service, port] of fixedPorts(config)) await assertPortFree(config.host, port, service);
  const { startLocalStack } = await import('../local/local-stack.js');
  return startLocalStack(config);
};

let stack: LocalStack | undefined;
const starting = start().then((started) => {
  stack = started;
  return started;
});

let stopping = false;
const shutdown = async () => {
  // A second Ctrl-C means now.
  if (stopping) process.exit(0);
  stopping = true;
  setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
  await starting.catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

try {
  const started = await starting;
  if (!stopping) {
    process.stdout.write(`${bannerLines(config, started).join('\n')}\n`);
    process.stderr.write(`${UNAUTHENTICATED_WARNING}\n`);
    process.stdout.write(`ready: ${started.url}\n`);
  }
} catch (error: unknown) {
  if (!stopping) fail(error);
}
