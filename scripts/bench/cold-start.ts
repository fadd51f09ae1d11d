/**
 * Cold starts of the built bundles: a fresh `node` process (no loader, no tsx) imports one bundle and
 * serves its first invocation against the bench's emulators, ten times per function, build (the shipped
 * bundle and the SDK-external one) and placement (pinned to one core, and on every core: placement.ts).
 * The environment is the function's own from the template, with the emulators' endpoints and the
 * bench's table and bucket.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SEED_KEY } from '../../local/constants.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { buildProxyEvent, buildRequestAuthorizerEvent, type GatewayRequest } from '../../local/events.js';
import { invokeRoute } from '../../local/gateway.js';
import type { Bundle } from './bundles.js';
import type { Design } from './designs.js';
import { BENCH_BUCKET } from './environment.js';
import { BenchTimeoutError, mintMany } from './http-client.js';
import { PLACEMENTS, type Placement, type PlacementName, placedCommand } from './placement.js';

export const CHILD = new URL('./cold-start-child.mjs', import.meta.url);
const CHILD_TIMEOUT_MS = 20_000;

export interface ColdStart {
  /** Node's own start-up, before the bundle is imported. */
  readonly bootMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  /** User + system CPU time of the import and the first invocation, all the process's threads. */
  readonly cpuMs: number;
}

/** What each measured function must answer, so a broken bundle cannot pass as a fast one. */
export type ColdFunction = 'generateUrl' | 'validateNonce' | 'accessObject';
const EXPECTED: Record<ColdFunction, string> = { generateUrl: '201', validateNonce: 'Allow', accessObject: '302' };

const request = (init: Partial<GatewayRequest> & Pick<GatewayRequest, 'method' | 'path'>): GatewayRequest => ({
  resource: init.path,
  query: [],
  headers: [],
  sourceIp: '127.0.0.1',
  domainName: '127.0.0.1:3000',
  stage: 'bench',
  ...init,
});

const accessRequest = (nonce: string) => request({ method: 'GET', path: '/access-object', query: [['nonce', nonce]] });

/** The proxy event API Gateway hands AccessObject once our authorizer has allowed the nonce. */
const allowedAccessEvent = async (ours: Design, nonce: string): Promise<APIGatewayProxyEvent> => {
  let captured: APIGatewayProxyEvent | undefined;
  const answer = await invokeRoute(
    {
      handler: async (event) => {
        captured = event;
        return { statusCode: 204, body: '' };
      },
      authorizer: { fn: ours.handlers['validate-nonce'] },
    },
    accessRequest(nonce),
  );
  if (captured === undefined)
    throw new Error(`cold start: the authorizer did not allow a fresh nonce (${answer.statusCode})`);
  return captured;
};

/** `count` events per function: a generate body, a live nonce to authorize, and a fresh nonce to redeem each. */
export const coldStartEvents = async (
  ours: Design,
  count: number,
  deadlineMs: number,
): Promise<Record<ColdFunction, unknown[]>> => {
  const generate = buildProxyEvent(
    request({
      method: 'POST',
      path: '/generate-url',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from(JSON.stringify({ key: SEED_KEY })),
      userArn: 'arn:aws:iam::000000000000:user/bench',
    }),
  );
  const nonces = await mintMany(ours.url, count + 1, 4, deadlineMs);
  const [live, ...toRedeem] = nonces as [string, ...string[]];
  const access = [];
  for (const nonce of toRedeem) access.push(await allowedAccessEvent(ours, nonce));
  return {
    generateUrl: Array.from({ length: count }, () => generate),
    validateNonce: Array.from({ length: count }, () => buildRequestAuthorizerEvent(accessRequest(live))),
    accessObject: access,
  };
};

export interface ColdStartTarget {
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly tableName: string;
}

export const childEnvironment = (bundle: Bundle, target: ColdStartTarget, event: unknown): NodeJS.ProcessEnv => ({
  ...bundle.environment,
  TABLE_NAME: target.tableName,
  BUCKET_NAME: BENCH_BUCKET,
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  DYNAMODB_ENDPOINT: target.dynamoDbEndpoint,
  S3_ENDPOINT: target.s3Endpoint,
  BENCH_EVENT: JSON.stringify(event),
});

/** What a child writes, gathered as it comes; read the fields once it has exited. */
export const outputOf = (child: ChildProcessByStdio<null, Readable, Readable>) => {
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  return output;
};

/** Runs the child once in a placement; stops it by its PID if it outlives CHILD_TIMEOUT_MS. */
export const coldStartOnce = (
  fn: ColdFunction,
  bundle: Bundle,
  target: ColdStartTarget,
  event: unknown,
  placement: Placement,
): Promise<ColdStart> =>
  new Promise((resolve, reject) => {
    const { command, args } = placedCommand(placement, process.execPath, [CHILD.pathname, bundle.entry]);
    const child = spawn(command, args, {
      // The bundle's folder: an SDK-external bundle resolves @aws-sdk/* from the repository's node_modules.
      cwd: bundle.dir,
      env: childEnvironment(bundle, target, event),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = outputOf(child);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, CHILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = output.stdout.trim().split('\n').at(-1) ?? '';
      try {
        const report = JSON.parse(last) as ColdStart & { outcome: unknown };
        if (code !== 0 || String(report.outcome) !== EXPECTED[fn]) {
          throw new Error(`answered ${String(report.outcome)}, expected ${EXPECTED[fn]} (exit ${code})`);
        }
        const { bootMs, importMs, firstInvokeMs, cpuMs } = report;
        resolve({ bootMs, importMs, firstInvokeMs, cpuMs });
      } catch (error: unknown) {
        const why = error instanceof Error ? error.message : String(error);
        reject(new Error(`cold start of ${fn} failed: ${why}\n${output.stderr.slice(-2_000)}`));
      }
    });
  });

/** The shipped bundles, and the same handlers with `@aws-sdk/*` left to the runtime (bundles.ts). */
export const BUILDS = ['ours', 'sdkExternal'] as const;
export type BuildName = (typeof BUILDS)[number];

/** Cold starts of each build, by function. */
export type ColdStarts = Record<ColdFunction, ColdStart[]>;
type BuildColdStarts = Record<BuildName, ColdStarts>;

/** Which build goes first in a run: they alternate, so that neither always follows the other. */
export const buildOrder = (run: number): readonly BuildName[] => (run % 2 === 0 ? BUILDS : [...BUILDS].reverse());

export interface ColdStartTurn {
  readonly placement: PlacementName;
  readonly build: BuildName;
}

/**
 * The cold starts of one function in one run: each build in each placement once. The placements
 * alternate which goes first from run to run, and so do the builds within each placement, so that no
 * build or placement always starts after the same one.
 */
export const coldStartTurns = (run: number): readonly ColdStartTurn[] => {
  const placements = run % 2 === 0 ? PLACEMENTS : [...PLACEMENTS].reverse();
  return placements.flatMap((placement) => buildOrder(run).map((build) => ({ placement, build })));
};

/** Cold starts per run and function: every build in every placement. */
export const TURNS_PER_RUN = PLACEMENTS.length * BUILDS.length;

/**
 * `runs` cold starts per function, build and placement, interleaved: in each run every function is
 * started once per build and placement (coldStartTurns), so that none gets a quieter machine. Each start
 * takes its own event (a fresh nonce for AccessObject): events must hold runs × TURNS_PER_RUN of them.
 * Stops with an error past the deadline, as the bench's request loops do.
 */
export const measureColdStarts = async (
  bundles: Readonly<Record<BuildName, Readonly<Record<ColdFunction, Bundle>>>>,
  placements: Readonly<Record<PlacementName, Placement>>,
  target: ColdStartTarget,
  events: Record<ColdFunction, unknown[]>,
  runs: number,
  deadlineMs: number,
): Promise<Record<PlacementName, BuildColdStarts>> => {
  const empty = (): ColdStarts => ({ generateUrl: [], validateNonce: [], accessObject: [] });
  const byBuild = (): BuildColdStarts => ({ ours: empty(), sdkExternal: empty() });
  const results: Record<PlacementName, BuildColdStarts> = { oneCore: byBuild(), allCores: byBuild() };
  for (let run = 0; run < runs; run++) {
    for (const fn of Object.keys(EXPECTED) as ColdFunction[]) {
      for (const [turn, { placement, build }] of coldStartTurns(run).entries()) {
        if (performance.now() > deadlineMs) throw new BenchTimeoutError('the cold starts');
        const event = events[fn][run * TURNS_PER_RUN + turn];
        if (event === undefined)
          throw new Error(`cold start: no event left for ${fn} (run ${run}, ${placement}, ${build})`);
        const started = await coldStartOnce(fn, bundles[build][fn], target, event, placements[placement]);
        results[placement][build][fn].push(started);
      }
    }
  }
  return results;
};
