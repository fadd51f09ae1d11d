/**
 * The `cdk synth` path, once: the app exactly as bin/app.ts builds it, with the real esbuild bundles and
 * cdk-nag as a validation plugin (a finding fails synth). CDK's built-in CloudFormation validation is
 * left to `npm run synth`: it costs several seconds per synth, and it checks CloudFormation schemas,
 * not this project's choices.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.js';
import {
  HANDLER_FILES,
  type HandlerName,
  LAZY_CREDENTIAL_PROVIDERS,
  type NonceFunction,
  UPLOAD_PRESIGNER_FILE,
} from '../../lib/functions.js';
import { buildHandlerBundles } from '../../scripts/build-package.js';
import { CDK_JSON, logicalIdOf } from './support.js';

// Outside the repository: no node_modules above a bundle, so importing it proves it needs none.
const outdir = mkdtempSync(join(tmpdir(), 'infra-synth-'));
const packageOut = mkdtempSync(join(tmpdir(), 'infra-package-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(packageOut, { recursive: true, force: true });
});

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
    ['GenerateURL', 'generate-url', stack.links.functions.generateUrl],
    ['ValidateNonce', 'validate-nonce', stack.links.functions.validateNonce],
    ['AccessObject', 'access-object', stack.links.functions.accessObject],
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
    expect(code.length).toBeLessThan(700_000);
    // Minified: a handful of very long lines (only template literals keep their newlines).
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    expect(code.match(/export\{[^}]*\bas handler\b[^}]*\}/)).not.toBeNull();
    // A CommonJS dependency (content-disposition in AccessObject) only adds esbuild's interop helpers: no
    // require() shim, which an ES module could not serve. (The SDK's error messages quote require() calls.)
    expect(code).not.toContain('Dynamic require of');
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    const sources = sourceMap(target).sources;
    expect(sources.some((source) => source.endsWith(`lambda/handlers/${file}.ts`))).toBe(true);
  });

  it.each(cases)('bundles the AWS SDK into %s: no import left for the runtime to resolve', (_name, _file, target) => {
    const code = bundle(target);
    // Statically, only Node.js built-ins; dynamically, also the credential providers the SDK's default
    // chain loads when the environment has no credentials (never on Lambda). esbuild's require() shim
    // would mean a CommonJS dependency, which an ES module cannot load without a createRequire banner.
    const imported = (pattern: RegExp) => new Set([...code.matchAll(pattern)].map((match) => match[1]));
    const statics = imported(/(?:from|\bimport)"([^"]+)"/g);
    expect([...statics].filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
    expect(statics).toContain('node:crypto');
    const dynamics = [...imported(/\bimport\("([^"]+)"/g)].filter((specifier) => !specifier?.startsWith('node:'));
    expect(new Set(dynamics)).toEqual(new Set(LAZY_CREDENTIAL_PROVIDERS));
    expect(code.includes('Dynamic require of')).toBe(false);
    const sources = sourceMap(target).sources;
    expect(sources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
    expect(sources.some((source) => source.includes('node_modules/@aws-sdk/lib-dynamodb/'))).toBe(true);
  });

  it('keeps the S3 client out of AccessObject, which presigns without it, and S3 out of ValidateNonce', () => {
    const sources = (target: NonceFunction) => sourceMap(target).sources.join('\n');
    expect(sources(stack.links.functions.accessObject)).toContain('node_modules/@aws-sdk/s3-request-presigner/');
    expect(sources(stack.links.functions.accessObject)).not.toContain('node_modules/@aws-sdk/client-s3/');
    expect(sources(stack.links.functions.validateNonce)).not.toMatch(
      /client-s3|s3-request-presigner|node_modules\/zod\//,
    );
    expect(sources(stack.links.functions.generateUrl)).toContain('node_modules/@aws-sdk/client-s3/');
  });

  it("gives the package's prebuilt bundles (npm run build) the very bytes of these", async () => {
    const prebuilt = await buildHandlerBundles(packageOut);

    for (const name of Object.keys(HANDLER_FILES) as HandlerName[]) {
      const synthesized = readFileSync(join(bundleDir(stack.links.functions[name]), 'index.mjs'));
      expect(synthesized.length, name).toBeGreaterThan(100_000);
      expect(readFileSync(join(prebuilt[name], 'index.mjs')).equals(synthesized), name).toBe(true);
    }
  });

  it("builds AccessObject's upload presigner as a file of its own beside the bundle, which loads on its own", async () => {
    const dir = bundleDir(stack.links.functions.accessObject);
    const code = readFileSync(join(dir, UPLOAD_PRESIGNER_FILE), 'utf8');
    const map = JSON.parse(readFileSync(join(dir, `${UPLOAD_PRESIGNER_FILE}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources.join('\n')).toContain('node_modules/@aws-sdk/s3-presigned-post/');
    expect(map.sources.join('\n')).toContain('node_modules/@aws-sdk/client-s3/');
    // The name the handler imports it by, and nothing of it in the handler's own file.
    expect(bundle(stack.links.functions.accessObject)).toContain(`"./${UPLOAD_PRESIGNER_FILE}"`);
    expect(code.length).toBeLessThan(700_000);
    const module: Record<string, unknown> = await import(join(dir, UPLOAD_PRESIGNER_FILE));
    expect(typeof module.uploadPresignerFor).toBe('function');
  });

  it.each(cases)('builds a %s bundle that loads as an ES module and exports handler', async (_name, _file, target) => {
    const module: Record<string, unknown> = await import(join(bundleDir(target), 'index.mjs'));

    expect(typeof module.handler).toBe('function');
  });
});
