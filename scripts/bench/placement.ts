/**
 * Which cores a cold-start child may run on. Lambda gives a function CPU in proportion to its memory,
 * one vCPU at 1,769 MB, so about 0.29 of one at the stack's 512 MB, for all of the function's threads
 * ("Configure Lambda function memory", docs/aws-behaviour.md). A child free to use every core of this
 * machine runs V8's background compilation and garbage collection on a core its main thread is not
 * using, which a function does not have. Pinned to one core (`taskset -c`), every thread of the child
 * shares that core, as a function's threads share its vCPU: that is the bench's method. It also runs
 * the children on every core, interleaved with the pinned ones, for comparison with earlier runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The method first: `coldInitMs`, `coldAccessPathMs` and their kin come from `oneCore`. */
export const PLACEMENTS = ['oneCore', 'allCores'] as const;
export type PlacementName = (typeof PLACEMENTS)[number];

export interface Placement {
  /** The core the children are pinned to; undefined: every core the bench itself may use. */
  readonly core: number | undefined;
  /** How many cores the children could run on. */
  readonly cores: number;
}

export interface Placements {
  readonly oneCore: Placement;
  readonly allCores: Placement;
  /** Why the one-core placement is not pinned, when it could not be (then it is all cores too). */
  readonly unpinnedBecause?: string;
}

export interface PlacedCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** `command args`, under `taskset -c <core>` when the placement pins a core (taskset execs it: same PID). */
export const placedCommand = (placement: Placement, command: string, args: readonly string[]): PlacedCommand =>
  placement.core === undefined
    ? { command, args }
    : { command: 'taskset', args: ['-c', String(placement.core), command, ...args] };

/** The cores of a Linux CPU list such as `0-3,6` (the `Cpus_allowed_list` of /proc/<pid>/status). */
export const parseCpuList = (list: string): number[] => {
  const cores = new Set<number>();
  for (const part of list.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (range === null) throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    for (let core = first; core <= last; core++) cores.add(core);
  }
  return [...cores].sort((a, b) => a - b);
};

/** The cores this process may run on (and its children, unless pinned). */
const allowedCores = (): number[] => {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (list !== undefined) return parseCpuList(list);
  } catch {
    // Not Linux, or no /proc: fall through.
  }
  return Array.from({ length: availableParallelism() }, (_, core) => core);
};

/**
 * The two placements, given the cores allowed and whether pinning to a core works. The children are
 * pinned to the last allowed core, the bench's own process staying free to run on the others: on AWS the
 * emulators' work (DynamoDB, S3) is not the function's either.
 */
export const placementsFor = (allowed: readonly number[], pinning: { ok: true } | { ok: false; why: string }) => {
  const allCores: Placement = { core: undefined, cores: allowed.length };
  const core = allowed.at(-1);
  if (core === undefined) throw new Error('no core allowed to this process');
  if (!pinning.ok) return { oneCore: allCores, allCores, unpinnedBecause: pinning.why } satisfies Placements;
  return { oneCore: { core, cores: 1 }, allCores } satisfies Placements;
};

/** Whether `taskset -c <core>` runs a program here: util-linux may be missing, or affinity refused. */
const tasksetWorks = (core: number): { ok: true } | { ok: false; why: string } => {
  const probe = spawnSync('taskset', ['-c', String(core), process.execPath, '-e', ''], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' ? 'taskset (util-linux) is not installed' : probe.error.message };
  }
  if (probe.status !== 0) return { ok: false, why: `taskset failed: ${probe.stderr.trim() || `exit ${probe.status}`}` };
  return { ok: true };
};

export const resolvePlacements = (): Placements => {
  const allowed = allowedCores();
  const last = allowed.at(-1);
  return placementsFor(allowed, last === undefined ? { ok: false, why: 'no core found' } : tasksetWorks(last));
};

/** How a placement reads in the report and the progress lines. */
export const describePlacement = (placement: Placement): string =>
  placement.core === undefined
    ? `unpinned, on ${placement.cores} core${placement.cores === 1 ? '' : 's'}`
    : `pinned to core ${placement.core} with \`taskset -c ${placement.core}\``;
