/**
 * `npm run bench:instructions`: the cold starts of the access path counted in instructions, which do not
 * depend on what else the machine runs, unlike milliseconds. The same child, bundles, environment and
 * events as the bench's cold starts (cold-start.ts), one run each under valgrind's callgrind, which
 * counts every instruction of every thread. The count covers what the bench times, the import and the
 * first invocation: the child reads process.cpuUsage() just before and just after them, and callgrind
 * starts a new count at each of those calls. Needs valgrind (Debian: `apt-get install valgrind`); takes
 * about a minute. Prints a line per function and build and, on its last line, JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulators, startEmulators } from '../../local/emulators.js';
import { type Bundle, buildBundles, buildSdkExternalBundles } from './bundles.js';
import { type Counted, countsOf, MARK } from './callgrind.js';
import {
  BUILDS,
  type BuildName,
  CHILD,
  type ColdStartTarget,
  childEnvironment,
  coldStartEvents,
  outputOf,
} from './cold-start.js';
import { type Design, startDesign } from './designs.js';
import { BENCH_BUCKET, BENCH_TABLES } from './environment.js';
import { round } from './stats.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS = ['validateNonce', 'accessObject'] as const;
type PathFunction = (typeof FUNCTIONS)[number];

const callgrind = (bundle: Bundle, env: NodeJS.ProcessEnv, outDir: string): Promise<Counted> =>
  new Promise((resolve, reject) => {
    const base = `callgrind-${Date.now()}`;
    const prefix = join(outDir, base);
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--separate-threads=yes',
        // V8 writes code at run time: valgrind must see every change to it.
        '--smc-check=all-non-file',
        `--dump-before=${MARK}`,
        `--callgrind-out-file=${prefix}`,
        process.execPath,
        fileURLToPath(CHILD),
        bundle.entry,
      ],
      { cwd: bundle.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = outputOf(child);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || !output.stdout.includes('"outcome"')) {
        reject(new Error(`callgrind run of ${bundle.entry} failed (exit ${code}):\n${output.stderr.slice(-2_000)}`));
        return;
      }
      const files = readdirSync(outDir)
        .filter((name) => /^[.-]/.test(name.slice(base.length)) && name.startsWith(base))
        .map((name) => ({ name, text: readFileSync(join(outDir, name), 'utf8') }));
      resolve(countsOf(files));
    });
  });

const requireValgrind = () => {
  const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind); it counts the instructions.');
  }
};

export const runInstructionCounts = async (): Promise<void> => {
  requireValgrind();
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  // Inside the repository, as for the bench: an SDK-external bundle resolves @aws-sdk/* from node_modules.
  const outdir = mkdtempSync(join(cacheDir, 'bench-instructions-'));
  let emulators: Emulators | undefined;
  let ours: Design | undefined;
  try {
    process.stderr.write('bench:instructions: building the bundles as cdk synth does, and the SDK-external ones\n');
    const shipped = buildBundles(join(outdir, 'ours'));
    const measured = { validateNonce: shipped.validateNonce, accessObject: shipped.accessObject };
    const builds: Record<BuildName, Record<PathFunction, Bundle>> = {
      ours: measured,
      sdkExternal: buildSdkExternalBundles(join(outdir, 'sdk-external'), measured),
    };

    emulators = await startEmulators({
      dynamoDbPort: 0,
      s3Port: 0,
      tableName: BENCH_TABLES.ours,
      bucketName: BENCH_BUCKET,
    });
    ours = await startDesign('ours', emulators);
    const events = await coldStartEvents(ours, BUILDS.length, performance.now() + 60_000);
    const target: ColdStartTarget = {
      dynamoDbEndpoint: emulators.dynamoDbEndpoint,
      s3Endpoint: emulators.s3Endpoint,
      tableName: BENCH_TABLES.ours,
    };

    const none: Counted = { main: 0, otherThreads: 0 };
    const counted: Record<PathFunction, Record<BuildName, Counted>> = {
      validateNonce: { ours: none, sdkExternal: none },
      accessObject: { ours: none, sdkExternal: none },
    };
    for (const fn of FUNCTIONS) {
      for (const [turn, build] of BUILDS.entries()) {
        process.stderr.write(`bench:instructions: ${fn}, ${build}\n`);
        const bundle = builds[build][fn];
        counted[fn][build] = await callgrind(bundle, childEnvironment(bundle, target, events[fn][turn]), outdir);
      }
    }
    const path = (build: BuildName) => ({
      main: round(counted.validateNonce[build].main + counted.accessObject[build].main, 1),
      otherThreads: round(counted.validateNonce[build].otherThreads + counted.accessObject[build].otherThreads, 1),
    });
    const summary = {
      unit: 'millions of instructions: main thread, import + first invocation; other threads, whole run',
      validateNonce: counted.validateNonce,
      accessObject: counted.accessObject,
      coldAccessPath: { ours: path('ours'), sdkExternal: path('sdkExternal') },
      oursOverSdkExternalMainThread: round(path('ours').main / path('sdkExternal').main, 3),
      node: process.version,
    };
    for (const fn of FUNCTIONS) {
      for (const build of BUILDS) {
        const { main, otherThreads } = counted[fn][build];
        process.stdout.write(
          `${fn} ${build}: main thread ${main} M (import + first invocation), other threads ${otherThreads} M (whole run)\n`,
        );
      }
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await ours?.stop();
    await emulators?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
};
