/**
 * `npm run bench:instructions`: the access path's cold starts counted in instructions (see
 * scripts/bench/instructions.ts). The handler modules read their configuration when they load, so the
 * environment is set before anything under test is imported, as for `npm run bench`.
 */
import { benchEnvironment } from './bench/environment.js';

Object.assign(process.env, benchEnvironment());
const { runInstructionCounts } = await import('./bench/instructions.js');

try {
  await runInstructionCounts();
} catch (error: unknown) {
  process.stderr.write(
    `bench:instructions failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
