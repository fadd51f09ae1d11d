/** The machine a run was measured on, without anything that identifies it (no host name, no path). */
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
}

const distribution = (): string | undefined => {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
};

export const describeMachine = (): Machine => {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    // The distribution and the architecture; not the kernel build, which can name the host's platform.
    os: `${distribution() ?? type()}, ${type()} ${arch()}`,
    node: process.version,
  };
};

/** The 1-minute load average at the start and at the end of a run: other work on the machine skews timings. */
export interface MachineLoad {
  readonly start: number;
  readonly end: number;
}

export const loadAverage1m = (): number => loadavg()[0] ?? 0;

/** Whether the machine was busier than its cores at either end of the run. */
export const overloaded = (load: MachineLoad, cores: number): boolean => Math.max(load.start, load.end) > cores;
