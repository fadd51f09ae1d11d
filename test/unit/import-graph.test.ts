import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING, LAZY_CREDENTIAL_PROVIDERS } from '../../lib/functions.js';

/**
 * The modules that end up in a handler's bundle, built as `cdk synth` builds it (lib/functions.ts
 * BUNDLING: ESM, minified, the ESM builds of packages preferred, the AWS SDK bundled): the inputs that
 * contribute bytes to the output, so that a module imported but tree-shaken away does not count.
 */
const bundle = async (entry: string, options: { ownCodeOnly?: boolean } = {}) => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'out',
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: BUNDLING.mainFields,
    // Where only our own modules matter, the packages are left out: the graph is built in a fraction of the time.
    external: options.ownCodeOnly === true ? ['@*', 'zod'] : BUNDLING.externalModules,
    logLevel: 'silent',
  });
  return result.metafile;
};

const bundledInputs = async (entry: string, options: { ownCodeOnly?: boolean } = {}): Promise<string[]> =>
  Object.values((await bundle(entry, options)).outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );

const packagesOf = (inputs: readonly string[]): Set<string> =>
  new Set(inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));

describe('handler import graphs, as the functions are bundled', () => {
  it('bundles the SDK, leaving out only the credential providers its default chain imports lazily', async () => {
    expect(BUNDLING.externalModules).toEqual([...LAZY_CREDENTIAL_PROVIDERS]);
    const metafile = await bundle('lambda/handlers/validate-nonce.ts');
    const externals = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((imported) => imported.external && !imported.path.startsWith('node:')),
    );
    // Each is reached only through a dynamic import(), and each one listed is still reached that way.
    expect(new Set(externals.map((imported) => imported.kind))).toEqual(new Set(['dynamic-import']));
    expect(new Set(externals.map((imported) => imported.path))).toEqual(new Set(LAZY_CREDENTIAL_PROVIDERS));
  });

  it('keeps the authorizer lean: no S3, no zod, no request parser, no presigner', async () => {
    const inputs = await bundledInputs('lambda/handlers/validate-nonce.ts');
    const packages = packagesOf(inputs);
    for (const absent of ['zod', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner', '@aws-sdk/middleware-sdk-s3']) {
      expect(packages).not.toContain(absent);
    }
    expect(inputs.filter((input) => input.startsWith('lambda/adapters/s3-'))).toEqual([]);
    expect(inputs).not.toContain('lambda/handlers/generate-url-request.ts');
    expect(inputs).toContain('lambda/core/authorize-nonce.ts');
    expect(packages).toContain('@aws-sdk/lib-dynamodb');
    expect(packages).toContain('@aws-sdk/client-dynamodb');
  });

  it('presigns in AccessObject without the S3 client and its middleware', async () => {
    const inputs = await bundledInputs('lambda/handlers/access-object.ts');
    const packages = packagesOf(inputs);
    expect(packages).toContain('@aws-sdk/s3-request-presigner');
    for (const absent of ['zod', '@aws-sdk/client-s3', '@aws-sdk/middleware-sdk-s3', '@aws-sdk/s3-presigned-post'])
      expect(packages).not.toContain(absent);
    expect(inputs).toContain('lambda/adapters/s3-presigner.ts');
    expect(inputs).not.toContain('lambda/adapters/s3-object-store.ts');
    // The upload presigner is a file of its own in the asset (lib/functions.ts), imported on the first upload.
    expect(inputs).not.toContain('lambda/adapters/s3-upload-presigner.ts');
  });

  it("builds AccessObject's upload presigner on its own: the S3 client and AWS's createPresignedPost", async () => {
    const inputs = await bundledInputs('lambda/adapters/s3-upload-presigner.ts');
    const packages = packagesOf(inputs);
    expect(packages).toContain('@aws-sdk/s3-presigned-post');
    expect(packages).toContain('@aws-sdk/client-s3');
    expect(inputs.filter((input) => input.startsWith('lambda/handlers/'))).toEqual([]);
  });

  it("defers in AccessObject what only a confirm nonce's GET needs: bundled, reached by a dynamic import alone", async () => {
    const metafile = await bundle('lambda/handlers/access-object.ts');
    const importersOf = (target: string) =>
      Object.entries(metafile.inputs).flatMap(([from, input]) =>
        input.imports.filter((imported) => imported.path === target).map((imported) => `${from} ${imported.kind}`),
      );
    for (const deferred of ['lambda/handlers/confirm-page.ts', 'lambda/handlers/display-name.ts']) {
      expect(importersOf(deferred)).toEqual(['lambda/handlers/access-object.ts dynamic-import']);
    }
    const parser = Object.keys(metafile.inputs).filter((input) => input.includes('node_modules/content-disposition/'));
    expect(parser).not.toEqual([]);
    for (const input of parser) {
      expect(importersOf(input)).toEqual(['lambda/handlers/display-name.ts import-statement']);
    }
    // Still in the bundle: the confirmation page loads nothing from outside the asset.
    const inputs = await bundledInputs('lambda/handlers/access-object.ts');
    expect(inputs).toContain('lambda/handlers/confirm-page.ts');
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
    for (const entry of ['generate-url', 'validate-nonce', 'access-object', 'nonce-status', 'revoke-nonce']) {
      const inputs = await bundledInputs(`lambda/handlers/${entry}.ts`, { ownCodeOnly: true });
      expect(inputs.filter((input) => input.startsWith('lib/') || input.startsWith('local/'))).toEqual([]);
      expect(inputs).toContain(`lambda/handlers/${entry}.ts`);
    }
  });
});
