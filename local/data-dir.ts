import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../lambda/shared/env.js';

const VARIABLE = 'LOCAL_DATA_DIR';

/** How long the checks may take: a file system that does not answer is reported, not waited for. */
const CHECK_TIMEOUT_MS = 5_000;

const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';

/** The folder, or its nearest ancestor that exists, and the levels below it still to create. */
const nearestExisting = async (folder: string): Promise<{ existing: string; missing: string[] }> => {
  const missing: string[] = [];
  let current = folder;
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) throw new ConfigError(VARIABLE, `is not a directory: ${current} is a file.`);
      return { existing: current, missing };
    } catch (error: unknown) {
      if (error instanceof ConfigError) throw error;
      if (codeOf(error) !== 'ENOENT' || dirname(current) === current) {
        throw new ConfigError(VARIABLE, `cannot be used: ${current} (${codeOf(error)}).`);
      }
      missing.unshift(current);
      current = dirname(current);
    }
  }
};

const check = async (folder: string): Promise<void> => {
  const { missing } = await nearestExisting(folder);
  // One level at a time: a recursive mkdir under /proc never returns (Node retries ENOENT forever).
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error: unknown) {
      if (codeOf(error) !== 'EEXIST') {
        throw new ConfigError(VARIABLE, `cannot be created: ${level} (${codeOf(error)}).`);
      }
    }
  }
  // Writable for real: permission bits say nothing of /proc, a read-only mount or root.
  try {
    await rm(await mkdtemp(join(folder, '.write-check-')), { recursive: true, force: true });
  } catch (error: unknown) {
    throw new ConfigError(VARIABLE, `is not a writable folder: ${folder} (${codeOf(error)}).`);
  }
};

/**
 * Makes sure LOCAL_DATA_DIR is a folder local mode can write, creating it if need be, before either
 * emulator touches it; anything else is a ConfigError naming the variable, within CHECK_TIMEOUT_MS.
 */
export const prepareDataDir = async (dataDir: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<string> => {
  const folder = resolve(dataDir);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConfigError(VARIABLE, `could not be checked within ${timeoutMs / 1000} s: ${folder}.`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([check(folder), timeout]);
    return folder;
  } finally {
    clearTimeout(timer);
  }
};
