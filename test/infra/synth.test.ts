/**
 * The `cdk synth` path, once: the app exactly as bin/app.ts builds it, with the real esbuild bundles and
 * cdk-nag as a validation plugin (a finding fails synth). CDK's built-in CloudFormation validation is
 * left to `npm run synth`: it costs several seconds per synth, and it checks CloudFormation schemas,
 * not this project's choices.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import type { NonceFunction } from '../../lib/functions.js';
import { CDK_JSON, logicalIdOf } from './support.js';

// Inside the repository, so that importing a bundle resolves its external @aws-sdk/* from node_modules.
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache', import.meta.url));
mkdirSync(cacheDir, { recursive: true });
const outdir = mkdtempSync(join(cacheDir, 'infra-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth', () => {
  const { app, stack } = createApp({ outdir, context: CDK_JSON.context, builtinCloudFormationValidation: false });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const bundleDir = (target: NonceFunction): string => {
    const code = template.Resources[logicalIdOf(target.function)]?.Properties.Code as { S3Key: string };
    return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  };
  const bundle = (target: NonceFunction) => readFileSync(join(bundleDir(target), 'index.mjs'), 'utf8');
  const sourceMap = (target: NonceFunction) =>
    JSON.parse(readFileSync(join(bundleDir(target), 'index.mjs.map'), 'utf8')) as { sources: string[] };
  const cases = [
    ['GenerateURL', 'generate-url', stack.functions.generateUrl],
    ['ValidateNonce', 'validate-nonce', stack.functions.validateNonce],
    ['AccessObject', 'access-object', stack.functions.accessObject],
  ] as const;

  it('passes cdk-nag: an empty validation report', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
  });

  it.each(cases)('bundles %s from lambda/handlers/%s.ts as minified ESM with a source map', (_name, file, target) => {
    const code = bundle(target);
    expect(code.length).toBeLessThan(200_000);
    // Minified: a handful of very long lines (only template literals keep their newlines).
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    // ES module imports; a CommonJS dependency (content-disposition in AccessObject) only adds esbuild's
    // interop helpers in front of them, and nothing calls require() at run time.
    expect(code).toMatch(/(?:^|;)import\{/);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    const sources = sourceMap(target).sources;
    expect(sources.some((source) => source.endsWith(`lambda/handlers/${file}.ts`))).toBe(true);
  });

  it.each(cases)('leaves the AWS SDK out of the %s bundle (the runtime provides it)', (_name, _file, target) => {
    expect(bundle(target)).toMatch(/from"@aws-sdk\/client-dynamodb"/);
    expect(sourceMap(target).sources.filter((source) => source.includes('node_modules/@aws-sdk/'))).toEqual([]);
  });

  it.each(cases)('builds a %s bundle that loads as an ES module and exports handler', async (_name, _file, target) => {
    const module: Record<string, unknown> = await import(join(bundleDir(target), 'index.mjs'));

    expect(typeof module.handler).toBe('function');
  });
});
