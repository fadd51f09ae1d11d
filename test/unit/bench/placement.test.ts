import { describe, expect, it } from 'vitest';
import { describePlacement, parseCpuList, placedCommand, placementsFor } from '../../../scripts/bench/placement.js';

describe('bench placement: where a cold-start child runs', () => {
  it('runs a pinned child under taskset -c <core>, and an unpinned one as it is', () => {
    expect(placedCommand({ core: 1, cores: 1 }, '/usr/bin/node', ['child.mjs', 'index.mjs'])).toEqual({
      command: 'taskset',
      args: ['-c', '1', '/usr/bin/node', 'child.mjs', 'index.mjs'],
    });
    expect(placedCommand({ core: 0, cores: 1 }, 'node', []).args).toEqual(['-c', '0', 'node']);
    expect(placedCommand({ core: undefined, cores: 2 }, '/usr/bin/node', ['child.mjs'])).toEqual({
      command: '/usr/bin/node',
      args: ['child.mjs'],
    });
  });

  it("reads Linux CPU lists, ranges and single cores, as /proc's Cpus_allowed_list prints them", () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('4,0-2,6\n')).toEqual([0, 1, 2, 4, 6]);
    expect(() => parseCpuList('')).toThrow('not a CPU list');
    expect(() => parseCpuList('3-1')).toThrow('not a CPU list');
    expect(() => parseCpuList('0-1,x')).toThrow('not a CPU list');
  });

  it('pins the one-core placement to the last allowed core; all cores stays unpinned', () => {
    expect(placementsFor([0, 1], { ok: true })).toEqual({
      oneCore: { core: 1, cores: 1 },
      allCores: { core: undefined, cores: 2 },
    });
    expect(placementsFor([2, 5, 7], { ok: true }).oneCore).toEqual({ core: 7, cores: 1 });
    expect(() => placementsFor([], { ok: true })).toThrow('no core');
  });

  it('falls back to all cores, and says why, when pinning does not work', () => {
    const placements = placementsFor([0, 1], { ok: false, why: 'taskset (util-linux) is not installed' });
    expect(placements.oneCore).toEqual({ core: undefined, cores: 2 });
    expect(placements.allCores).toEqual({ core: undefined, cores: 2 });
    expect(placements.unpinnedBecause).toBe('taskset (util-linux) is not installed');
  });

  it('describes a placement for the report', () => {
    expect(describePlacement({ core: 1, cores: 1 })).toBe('pinned to core 1 with `taskset -c 1`');
    expect(describePlacement({ core: undefined, cores: 2 })).toBe('unpinned, on 2 cores');
    expect(describePlacement({ core: undefined, cores: 1 })).toBe('unpinned, on 1 core');
  });
});
