import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/openapi.js';

/** The rows of every table in docs/aws-behaviour.md: behaviour | source | local mode | pinned by. */
const rows = async (): Promise<string[][]> => {
  const text = await readFile(join(REPO_ROOT, 'docs/aws-behaviour.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| behaviour') && !line.startsWith('|---'))
    .map((line) => line.slice(2, -2).split(' | '));
};

describe('docs/aws-behaviour.md', () => {
  it('has a row for each behaviour, with four cells', async () => {
    const table = await rows();
    expect(table.length).toBeGreaterThan(30);
    for (const row of table) expect(row).toHaveLength(4);
  });

  it('cites AWS documentation for every behaviour', async () => {
    for (const [behaviour, source] of await rows()) {
      expect(source, behaviour).toMatch(/https:\/\/docs\.aws\.amazon\.com\/\S+/);
    }
  });

  it('names only modules and tests that exist', async () => {
    for (const [, , local, pinned] of await rows()) {
      const paths = [...`${local} ${pinned}`.matchAll(/`((?:local|lib|lambda|test)\/[\w./-]+\.ts)`/g)].map(
        (match) => match[1],
      );
      for (const path of paths) expect(existsSync(join(REPO_ROOT, path ?? '')), path).toBe(true);
    }
  });
});
