import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_DEFAULTS } from '../../../lib/options.js';
import { propDocs, propsTable, readmePropsTable } from '../../../scripts/props-table.js';
import { REPO_ROOT } from '../../support/openapi.js';

describe("README's props table", () => {
  it('is the table generated from the props JSDoc (npm run docs:props rewrites it)', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');

    expect(readmePropsTable(readme)).toBe(propsTable());
  });

  it('lists the construct-only props and every option, each with a default and a meaning', () => {
    const names = propDocs().map((prop) => prop.name);

    expect(names.slice(0, 3)).toEqual(['bucket', 'alarmTopic', 'namePrefix']);
    expect(names).toEqual(expect.arrayContaining([...Object.keys(OPTION_DEFAULTS), 'alarmEmail', 'publicBaseUrl']));
    for (const prop of propDocs()) {
      expect(prop.defaultValue, prop.name).not.toBe('');
      expect(prop.description.length, prop.name).toBeGreaterThan(20);
    }
  });

  it("gives each option's default as the validator fills it in", () => {
    const documented = Object.fromEntries(propDocs().map((prop) => [prop.name, prop.defaultValue]));
    for (const [key, value] of Object.entries(OPTION_DEFAULTS)) {
      if (typeof value === 'number' && key !== 'logRetentionDays') expect(documented[key], key).toBe(String(value));
      if (typeof value === 'boolean') expect(documented[key], key).toBe(String(value));
    }
    expect(documented.apiLogLevel).toBe(`'${OPTION_DEFAULTS.apiLogLevel}'`);
    expect(documented.stageName).toBe(`'${OPTION_DEFAULTS.stageName}'`);
  });
});
