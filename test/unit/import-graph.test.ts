import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The modules esbuild pulls into a handler's bundle, as the CDK stack bundles it (@aws-sdk external). */
const bundledInputs = async (entry: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
};

describe('handler import graphs', () => {
  it('keeps the authorizer lean: no zod, no S3, no request parser', async () => {
    const inputs = await bundledInputs('lambda/handlers/validate-nonce.ts');
    expect(inputs.some((input) => input.includes('node_modules/zod/'))).toBe(false);
    expect(inputs).not.toContain('lambda/handlers/generate-url-request.ts');
    expect(inputs).not.toContain('lambda/adapters/s3-object-store.ts');
    expect(inputs).toContain('lambda/core/authorize-nonce.ts');
  });

  it('keeps the core free of AWS, handlers, infrastructure and local mode', async () => {
    for (const entry of ['issue-nonce', 'authorize-nonce', 'redeem-nonce']) {
      const inputs = await bundledInputs(`lambda/core/${entry}.ts`);
      expect(inputs.filter((input) => !input.startsWith('lambda/core/'))).toEqual([]);
    }
  });

  it("bundles no X-Ray SDK or tracer: active tracing then records only Lambda's own segments, no event data", async () => {
    for (const entry of ['generate-url', 'validate-nonce', 'access-object', 'nonce-status', 'revoke-nonce']) {
      const inputs = await bundledInputs(`lambda/handlers/${entry}.ts`);
      expect(inputs.filter((input) => /aws-xray|powertools\/tracer|opentelemetry/.test(input))).toEqual([]);
    }
  });

  it('never lets lambda/ reach lib/ or local/', async () => {
    for (const entry of ['generate-url', 'validate-nonce', 'access-object']) {
      const inputs = await bundledInputs(`lambda/handlers/${entry}.ts`);
      expect(inputs.filter((input) => input.startsWith('lib/') || input.startsWith('local/'))).toEqual([]);
    }
  });
});
