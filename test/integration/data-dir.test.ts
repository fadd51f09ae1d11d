import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/shared/env.js';
import { prepareDataDir } from '../../local/data-dir.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'data-dir-'));
  await writeFile(join(scratch, 'a-file'), 'x');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('LOCAL_DATA_DIR, checked before either emulator touches it', () => {
  it('creates a missing folder, nested levels included, and accepts an existing one', async () => {
    const nested = join(scratch, 'a', 'b', 'c');
    expect(await prepareDataDir(nested)).toBe(nested);
    expect((await stat(nested)).isDirectory()).toBe(true);
    await expect(prepareDataDir(scratch)).resolves.toBe(scratch);
  });

  it.each([
    ['a file', () => join(scratch, 'a-file'), /LOCAL_DATA_DIR is not a directory/],
    ['a folder inside a file', () => join(scratch, 'a-file', 'sub'), /LOCAL_DATA_DIR cannot be used: .*ENOTDIR/],
    // A recursive mkdir there never returns: the check must, naming the variable.
    ['a folder procfs will not create', () => '/proc/presigned-url-nonce-x/y', /LOCAL_DATA_DIR cannot be created/],
    ['a folder nobody can write, not even root', () => '/proc/self', /LOCAL_DATA_DIR is not a writable folder/],
  ])('refuses %s with a ConfigError naming the variable', async (_, folder, message) => {
    const check = prepareDataDir(folder());
    await expect(check).rejects.toThrow(ConfigError);
    await expect(check).rejects.toThrow(message);
  });
});
