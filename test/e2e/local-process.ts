import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * `npm start` as a user runs it: bin/local.ts in a child process on ephemeral ports, driven over real
 * HTTP. The child inherits the environment (so LOCAL_DYNAMODB=dynamodb-local reaches it) except the
 * names the vitest config sets for in-process tests, so local mode's own defaults apply.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const START_TIMEOUT_MS = 25_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the signal (or the start, for a process that exits by itself) to its exit. */
  readonly ms: number;
}

export interface LocalProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when the process exits, whenever that is. */
  readonly exited: Promise<Exit>;
}

export interface RunningLocal extends LocalProcess {
  readonly url: string;
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly tableName: string;
  readonly bucketName: string;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  /** Every item in the nonce table, read through the emulator's endpoint. */
  scan(): Promise<Record<string, unknown>[]>;
  /** Sends the signal to the PID and waits for the exit; SIGKILL after 5 s so no test leaves it behind. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const childEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DYNAMODB_PORT: '0', S3_PORT: '0', ...overrides };
  for (const name of ['TABLE_NAME', 'BUCKET_NAME', 'POWERTOOLS_METRICS_NAMESPACE']) {
    if (!(name in overrides)) delete env[name];
  }
  return env;
};

/** Starts bin/local.ts; does not wait for anything. */
export const spawnLocal = (env: Record<string, string> = {}): LocalProcess => {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('bin/local.ts did not start');
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
  });
  return { child, pid: child.pid, stdout: () => stdout, stderr: () => stderr, exited };
};

const lineValue = (text: string, label: string): string => {
  const value = new RegExp(`^\\s*${label}:?\\s+(\\S+)`, 'm').exec(text)?.[1];
  if (value === undefined) throw new Error(`no "${label}" line in:\n${text}`);
  return value;
};

const waitForReady = async (local: LocalProcess): Promise<string> => {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: Exit | undefined;
  void local.exited.then((value) => {
    exit = value;
  });
  while (Date.now() < deadline) {
    const ready = /^ready: (http:\/\/\S+)$/m.exec(local.stdout())?.[1];
    if (ready !== undefined) return ready;
    if (exit !== undefined) throw new Error(`bin/local.ts exited (${exit.code}) before ready:\n${local.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ready: line within ${START_TIMEOUT_MS} ms:\n${local.stdout()}\n${local.stderr()}`);
};

/** Starts bin/local.ts and resolves once it printed `ready:`, with the endpoints its banner shows. */
export const startLocal = async (env: Record<string, string> = {}): Promise<RunningLocal> => {
  const local = spawnLocal(env);
  try {
    const url = await waitForReady(local);
    const text = local.stdout();
    const dynamoDbEndpoint = lineValue(text, 'dynamodb');
    const s3Endpoint = lineValue(text, 's3');
    const tableName = /table (\S+)/.exec(text)?.[1] ?? '';
    const bucketName = /bucket (\S+)/.exec(text)?.[1] ?? '';
    const dynamoDb = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamoDbEndpoint, credentials: CREDENTIALS });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: s3Endpoint,
      credentials: CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return {
      ...local,
      url,
      dynamoDbEndpoint,
      s3Endpoint,
      tableName,
      bucketName,
      dynamoDb,
      s3,
      async scan() {
        const { Items = [] } = await dynamoDb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
        return Items;
      },
      async stop(signal = 'SIGTERM') {
        dynamoDb.destroy();
        s3.destroy();
        return signalAndWait(local, signal);
      },
    };
  } catch (error: unknown) {
    await signalAndWait(local, 'SIGKILL');
    throw error;
  }
};

/** Signals the PID and measures how long the process takes to exit. */
export const signalAndWait = async (local: LocalProcess, signal: NodeJS.Signals): Promise<Exit> => {
  if (local.child.exitCode !== null || local.child.signalCode !== null) return local.exited;
  const sent = Date.now();
  process.kill(local.pid, signal);
  const killer = setTimeout(() => {
    if (local.child.exitCode === null && local.child.signalCode === null) process.kill(local.pid, 'SIGKILL');
  }, 5_000);
  const exit = await local.exited;
  clearTimeout(killer);
  return { ...exit, ms: Date.now() - sent };
};

/** A process's children (Linux /proc), by PID and command line: DynamoDB Local's JVM, tsx's esbuild. */
export const childPids = (pid: number): Map<number, string> => {
  const children = new Map<number, string>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      children.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim());
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
};

/** Running: signalable and not a zombie (an orphan's exit status waits for init to reap it). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** The command lines of those processes still alive once `withinMs` has passed (polled, so usually sooner). */
export const survivors = async (processes: Map<number, string>, withinMs: number): Promise<string[]> => {
  const deadline = Date.now() + Math.max(0, withinMs);
  const alive = () => [...processes].filter(([pid]) => isAlive(pid)).map(([, command]) => command);
  while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return alive();
};
