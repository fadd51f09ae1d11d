import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_FILES, type HandlerName, PREBUILT_HANDLER_DIRS, UPLOAD_PRESIGNER_FILE } from '../../lib/functions.js';
import { buildPackage, PACKAGE_ENTRIES, TYPES_DIR } from '../../scripts/build-package.js';
import { synth as synthFromSource } from '../infra/support.js';
import {
  createOutsideApp,
  LINKED_PACKAGES,
  type OutsideApp,
  pack,
  packList,
  stagePackage,
} from '../support/outside-app.js';

/**
 * What `npm ci` leaves behind for code that runs without tsx: package.json's "exports" and "bin" name
 * files that `npm run build` (the "prepare" script) writes; and the packed tarball used by a CDK app of its
 * own. The build goes to a scratch package folder inside node_modules (so the bundles find their
 * dependencies), never to the dist/ a developer may be using.
 */

interface PackageJson {
  readonly name: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly scripts: Record<string, string>;
  readonly files: string[];
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The scratch package folder: package.json and README.md beside the build in dist/. */
let staging: string;
let outdir: string;
let pkg: PackageJson;

beforeAll(async () => {
  pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  staging = await mkdtemp(join(cache, 'package-build-'));
  outdir = join(staging, 'dist');
  await Promise.all([buildPackage({ outdir }), stagePackage(REPO_ROOT, staging)]);
}, 90_000);

afterAll(async () => {
  await rm(staging, { recursive: true, force: true });
});

/** A path from package.json ("./dist/client.js") as it lands in the scratch build. */
const built = (target: string): string => join(outdir, relative('dist', target.replace(/^\.\//, '')));

describe('package entry points', () => {
  it('runs the build on npm ci: "prepare" is the build', () => {
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.build).toContain('scripts/build-package.ts');
  });

  it('exports ./client (JS and types) and ./package.json, and the build writes exactly those files', async () => {
    const client = pkg.exports['./client'];
    expect(client).toEqual({ types: './dist/types/client/index.d.ts', default: './dist/client.js' });
    expect(pkg.exports['./package.json']).toBe('./package.json');
    if (typeof client !== 'object') throw new Error('exports["./client"] must be an object');

    expect((await stat(built(client.default ?? ''))).isFile()).toBe(true);
    expect(client.types).toBe(`./dist/${TYPES_DIR}/${PACKAGE_ENTRIES.client.replace(/\.ts$/, '.d.ts')}`);
    const types = await readFile(built(client.types ?? ''), 'utf8');
    expect(types).toContain('ProducerClient');
    expect(types).toContain('redeem');
  });

  it('the built client loads in plain Node (no tsx) and exports the client API', async () => {
    const script = `const m = await import(${JSON.stringify(built('./dist/client.js'))});
      console.log(JSON.stringify(Object.keys(m).sort()));`;

    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT });

    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining(['ApiError', 'ProducerClient', 'redeem', 'NetworkError', 'API_ERROR_CODES']),
    );
  });

  it('bin presigned-url-nonce is the built CLI: a node shebang, --help exits 0, a usage error exits 2', async () => {
    expect(pkg.bin).toEqual({ 'presigned-url-nonce': 'dist/cli.js' });
    const cli = built(`./${pkg.bin['presigned-url-nonce']}`);
    expect((await readFile(cli, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);

    const help = await run(process.execPath, [cli, 'status', '--help'], { cwd: REPO_ROOT });
    expect(help.stdout).toMatch(/^Usage: presigned-url-nonce status/);

    const usage = await run(process.execPath, [cli, 'status'], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--id is required');
  });
});

const HANDLERS = Object.keys(HANDLER_FILES) as HandlerName[];

describe('the tarball', () => {
  let files: string[];
  let tarball: string;

  beforeAll(async () => {
    ({ tarball, files } = await pack(staging, staging));
  }, 30_000);

  it('holds the bundles, the construct with its prebuilt handlers, the declarations, and nothing else', () => {
    expect(pkg.files).toEqual(['dist/']);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/cdk.js', 'dist/types/lib/cdk.d.ts']),
    );
    for (const name of HANDLERS) {
      expect(files).toContain(`dist/${PREBUILT_HANDLER_DIRS[name]}/index.mjs`);
      expect(files).toContain(`dist/${PREBUILT_HANDLER_DIRS[name]}/index.mjs.map`);
    }
    // AccessObject's asset also holds its upload presigner, a file of its own that it imports on the first
    // upload redemption only (lib/functions.ts, UPLOAD_PRESIGNER_FILE).
    expect(files).toContain(`dist/${PREBUILT_HANDLER_DIRS.accessObject}/${UPLOAD_PRESIGNER_FILE}`);
    const expected =
      /^(package\.json|README\.md|dist\/(cdk|cli|client)\.js|dist\/types\/.+\.d\.ts|dist\/lambda\/[a-z-]+\/index\.mjs(\.map)?|dist\/lambda\/access-object\/s3-upload-presigner\.mjs(\.map)?)$/;
    expect(files.filter((file) => !expected.test(file))).toEqual([]);
    expect(tarball.endsWith('.tgz')).toBe(true);
  });

  it("packed from the repository itself: no tests, sources, cdk.out or scratch folders ('files')", async () => {
    const listed = await packList(REPO_ROOT);

    expect(listed.filter((file) => !/^(package\.json|README\.md|dist\/.+)$/.test(file))).toEqual([]);
    expect(listed.filter((file) => /\.lambda-build|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('declares as dependencies exactly what the built entry points import, and the rest as devDependencies', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    // Bare specifiers, static or dynamic, of the files "exports" and "bin" name; the handlers are bundles.
    const imported = new Set<string>();
    for (const file of ['cli.js', 'client.js', 'cdk.js']) {
      const code = await readFile(join(outdir, file), 'utf8');
      for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([^".][^"]*)"/g)) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('node:')) continue;
        const [scope = '', name = ''] = specifier.split('/');
        imported.add(scope.startsWith('@') ? `${scope}/${name}` : scope);
      }
    }
    const peers = Object.keys(manifest.peerDependencies ?? {});
    expect([...imported].filter((name) => !peers.includes(name)).sort()).toEqual(
      Object.keys(manifest.dependencies ?? {}).sort(),
    );
  });

  it("names aws-cdk-lib and constructs as peers (kept as devDependencies here), cdk-nag as the app's choice", async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag']) {
      expect(manifest.dependencies?.[name]).toBeUndefined();
      expect(manifest.devDependencies?.[name]).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg.exports['./cdk']).toEqual({ types: './dist/types/lib/cdk.d.ts', default: './dist/cdk.js' });
  });

  describe('installed in a CDK app of its own: an existing bucket, cdk-nag, no esbuild', () => {
    let app: OutsideApp;
    let synthesized: { code: number; stderr: string };
    let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

    beforeAll(async () => {
      app = await createOutsideApp(tarball, join(REPO_ROOT, 'node_modules'));
      await app.compile();
      synthesized = await app.synth();
      if (synthesized.code === 0) {
        template = JSON.parse(await readFile(join(app.dir, 'cdk.out/Files.template.json'), 'utf8'));
      }
    }, 60_000);

    afterAll(async () => {
      if (app !== undefined) await rm(app.dir, { recursive: true, force: true });
    });

    const resourcesOf = (type: string) =>
      Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
    /** The one resource of this type whose logical id starts with `prefix`. */
    const resourceOf = (type: string, prefix: string) => {
      const found = resourcesOf(type).filter(([id]) => id.startsWith(prefix));
      if (found.length !== 1 || found[0] === undefined) throw new Error(`${found.length} ${type} named ${prefix}…`);
      return found[0][1].Properties;
    };

    it('holds nothing but the package and the linked peers, cdk-nag and tsc: no esbuild, no tsx', async () => {
      const installed = (await readdir(join(app.dir, 'node_modules'))).sort();

      expect(installed).toEqual([...LINKED_PACKAGES, 'presigned-url-nonce'].sort());
      expect(installed).not.toContain('esbuild');
      expect(installed).not.toContain('tsx');
    });

    it('type-checks with tsc and synthesizes, cdk-nag reporting nothing unacknowledged', async () => {
      expect(synthesized.stderr).not.toMatch(/AwsSolutions-|Error/);
      expect(synthesized.code).toBe(0);
      const report = JSON.parse(await readFile(join(app.dir, 'cdk.out/validation-report.json'), 'utf8')) as {
        pluginReports: unknown[];
      };
      expect(report.pluginReports).toEqual([]);
      const manifest = await readFile(join(app.dir, 'cdk.out/manifest.json'), 'utf8');
      expect(manifest).not.toContain('aws:cdk:warning');
    });

    it("deploys the API, the table, the five functions and no bucket but the app's", () => {
      expect(resourcesOf('AWS::ApiGateway::RestApi')).toHaveLength(1);
      expect(resourcesOf('AWS::DynamoDB::Table')).toHaveLength(1);
      expect(resourcesOf('AWS::Lambda::Function')).toHaveLength(HANDLERS.length);
      expect(resourcesOf('AWS::S3::Bucket').map(([id]) => id)).toEqual([expect.stringMatching(/^Bucket/)]);
      expect(resourceOf('AWS::IAM::ManagedPolicy', 'LinksProducerAccess').Roles).toEqual([
        { Ref: expect.stringMatching(/^Producer/) },
      ]);
    });

    it.each(HANDLERS)(
      '%s is the prebuilt bundle, copied byte for byte, with nothing bundled in the app',
      async (name) => {
        const fn = resourceOf(
          'AWS::Lambda::Function',
          `LinksFunctions${name[0]?.toUpperCase()}${name.slice(1)}Function`,
        );
        const { S3Key } = fn.Code as { S3Key: string };
        const asset = join(app.dir, 'cdk.out', `asset.${S3Key.replace(/\.zip$/, '')}`);
        for (const file of ['index.mjs', 'index.mjs.map']) {
          const [copied, prebuilt] = await Promise.all([
            readFile(join(asset, file)),
            readFile(join(outdir, PREBUILT_HANDLER_DIRS[name], file)),
          ]);
          expect(copied.length).toBeGreaterThan(1000);
          expect(copied.equals(prebuilt)).toBe(true);
        }
        expect(fn.Handler).toBe('index.handler');
      },
    );

    it("configures each function as the repository's own stack does, from source", () => {
      const settings = (properties: Record<string, unknown>) => {
        const { Handler, Runtime, Architectures, MemorySize, Timeout, TracingConfig, Description } = properties;
        // The log group's logical id differs (it sits under "Links" there); its format must not.
        const { LogFormat } = properties.LoggingConfig as { LogFormat: unknown };
        const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
        return {
          Handler,
          Runtime,
          Architectures,
          MemorySize,
          Timeout,
          TracingConfig,
          LogFormat,
          Description,
          variables: Object.keys(variables).sort(),
        };
      };
      const ours = synthFromSource().template.findResources('AWS::Lambda::Function');
      const theirs = resourcesOf('AWS::Lambda::Function').map(([, fn]) => settings(fn.Properties));

      expect(theirs).toEqual(expect.arrayContaining(Object.values(ours).map((fn) => settings(fn.Properties))));
      expect(theirs).toHaveLength(Object.keys(ours).length);
    });
  });
});
