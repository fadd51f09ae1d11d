/**
 * `npm run bench`: ours beside the original design, in one run (see scripts/bench/run.ts and
 * docs/BENCHMARKS.md). The handler modules read their configuration when they load, so the environment
 * is set before anything under test is imported.
 */
import { benchEnvironment } from './bench/environment.js';

Object.assign(process.env, benchEnvironment());
const { runBench } = await import('./bench/run.js');

try {
  await runBench();
} catch (error: unknown) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
