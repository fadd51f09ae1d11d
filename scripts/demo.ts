/**
 * `npm run demo`: the producer → consumer walkthrough against the local stack. Uses the one at
 * DEMO_URL (default http://127.0.0.1:3000) when it answers, else starts bin/local.ts on free ports for
 * the length of the demo and stops it by PID afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_URL = 'http://127.0.0.1:3000';
const START_TIMEOUT_MS = 60_000;

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const cyan = paint('36');

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (number: number, title: string) => say(`\n${bold(`${number}.`)} ${bold(title)}`);
const detail = (line: string) => say(`   ${line}`);
const arrow = (status: number, rest: string) =>
  detail(`${status < 400 ? green(`→ ${status}`) : red(`→ ${status}`)}  ${rest}`);
const short = (secret: string) => `${secret.slice(0, 8)}…${dim(`(${secret.length} chars)`)}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Stack {
  readonly url: string;
  readonly s3Endpoint: string;
  readonly bucketName: string;
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

/** True when a local stack answers at url: API Gateway's answer to an unknown route is its signature. */
const answers = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { error?: unknown };
    return response.status === 403 && body.error === 'missing_authentication_token';
  } catch {
    return false;
  }
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    process.kill(child.pid, 'SIGTERM');
  });

const startStack = async (): Promise<Stack> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', DYNAMODB_PORT: '0', S3_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the local stack did not start in time')), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /^ready: (\S+)$/m.exec(stdout)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(stderr.trim() || 'the local stack exited'));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return {
    url: ready,
    s3Endpoint: /^\s*s3:\s+(\S+)/m.exec(stdout)?.[1] ?? '',
    bucketName: /bucket (\S+)/.exec(stdout)?.[1] ?? '',
    startedHere: true,
    stop: () => stopChild(child),
  };
};

const findOrStartStack = async (): Promise<Stack> => {
  const url = (process.env.DEMO_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  if (await answers(url)) {
    return {
      url,
      // A stack started with `npm start` on its defaults; the same variables move both.
      s3Endpoint: `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.S3_PORT ?? '4569'}`,
      bucketName: process.env.BUCKET_NAME ?? 'presigned-url-nonce-local',
      startedHere: false,
      stop: async () => undefined,
    };
  }
  if (process.env.DEMO_URL !== undefined) throw new Error(`nothing answers at DEMO_URL=${url}`);
  return startStack();
};

const demo = async (stack: Stack) => {
  const started = Date.now();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: stack.s3Endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const key = `demo/report-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    const content = Buffer.concat([
      Buffer.from('Quarterly numbers, for your eyes only.\n'),
      Buffer.from(`${randomBytes(24).toString('hex')}\n`),
    ]);

    step(1, 'The producer uploads a private file');
    await s3.send(
      new PutObjectCommand({ Bucket: stack.bucketName, Key: key, Body: content, ContentType: 'text/plain' }),
    );
    detail(
      `s3://${stack.bucketName}/${key}  ${dim(`${content.length} bytes, sha256 ${sha256(content).slice(0, 16)}…`)}`,
    );

    step(2, 'The producer asks for a one-time link');
    detail(cyan(`POST ${stack.url}/generate-url  {"key":"${key}"}`));
    const minted = await fetch(`${stack.url}/generate-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    const body = (await minted.json()) as Record<string, string | number>;
    if (minted.status !== 201) throw new Error(`generate-url answered ${minted.status}: ${JSON.stringify(body)}`);
    const nonce = String(body.nonce);
    arrow(minted.status, `nonce ${short(nonce)}  maxUses ${body.maxUses}  expires ${body.expiresAt}`);
    detail(`${dim('the table stores only its SHA-256:')} nonceId ${String(body.nonceId).slice(0, 8)}…`);
    detail(`${dim('hand this to the consumer:')} ${String(body.accessUrl).replace(nonce, short(nonce))}`);

    step(3, 'The consumer redeems it');
    detail(cyan('GET /access-object?nonce=…'));
    const redirect = await fetch(String(body.accessUrl), { redirect: 'manual' });
    const location = redirect.headers.get('location');
    if (redirect.status !== 302 || location === null) throw new Error(`access-object answered ${redirect.status}`);
    const lifetime = new URL(location).searchParams.get('X-Amz-Expires');
    arrow(
      redirect.status,
      `Location: a presigned S3 URL that lives ${lifetime} s  ${dim('(minted just now, stored nowhere)')}`,
    );

    step(4, 'The consumer follows the redirect');
    const object = await fetch(location);
    const received = Buffer.from(await object.arrayBuffer());
    const same = received.equals(content);
    arrow(object.status, `${received.length} bytes, sha256 ${sha256(received).slice(0, 16)}…`);
    detail(same ? green('✔ byte for byte what the producer uploaded') : red('✘ the bytes differ from the upload'));
    if (!same) throw new Error('the downloaded bytes differ from the upload');

    step(5, 'Someone tries the same link again');
    const replay = await fetch(String(body.accessUrl), { redirect: 'manual' });
    const refusal = (await replay.json()) as { error: string; message: string };
    arrow(replay.status, `${refusal.error}: ${refusal.message}`);
    if (replay.status !== 403) throw new Error(`the replay answered ${replay.status}, not 403`);
    detail(green('✔ refused: a nonce is good for exactly one redemption'));

    say(`\n${bold('Done')} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    s3.destroy();
  }
};

say(bold('presigned-url-nonce · producer → consumer demo'));
let stack: Stack | undefined;
try {
  stack = await findOrStartStack();
  say(
    dim(
      stack.startedHere
        ? `No local stack answered at ${process.env.DEMO_URL ?? DEFAULT_URL}: started one at ${stack.url} for this demo.`
        : `Using the local stack at ${stack.url}.`,
    ),
  );
  await demo(stack);
} catch (error: unknown) {
  say(red(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`));
  process.exitCode = 1;
} finally {
  await stack?.stop();
}
