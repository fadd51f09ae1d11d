/**
 * A CDK app of someone else's, offline: a temporary folder outside this repository (so nothing resolves from
 * our node_modules by walking up), its own package.json and tsconfig, the packed tarball extracted into its
 * node_modules, and only aws-cdk-lib, constructs, cdk-nag and typescript linked from ours — no esbuild, no
 * tsx, no registry.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the app links from this repository's node_modules: the peers, cdk-nag (its choice) and tsc. */
export const LINKED_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', 'typescript'] as const;

/**
 * The app: an existing bucket of its own, the construct in front of it, a producer role granted, and
 * cdk-nag's AwsSolutions pack on the whole app. The bucket's own finding (no access logs) is the app's
 * business, acknowledged here; any other finding fails synthesis.
 */
export const APP_SOURCE = `import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PresignedUrlNonce } from 'presigned-url-nonce/cdk';

const app = new App();
const stack = new Stack(app, 'Files');
const bucket = new s3.Bucket(stack, 'Bucket', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
});
Validations.of(bucket).acknowledge({
  id: 'AwsSolutions-S1',
  reason: "The app's own bucket: its access logging is the app's choice, not the construct's.",
});

const links = new PresignedUrlNonce(stack, 'Links', { bucket });
links.grantProduce(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }));

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    outDir: 'build',
    types: [],
  },
  include: ['app.ts'],
};

/**
 * `npm pack` of a package folder (package.json, README and the built dist/), without its scripts: the
 * build is already there. Returns the tarball's path and the files it holds.
 */
export const pack = async (packageDir: string, destination: string): Promise<{ tarball: string; files: string[] }> => {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
    cwd: packageDir,
  });
  const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (result === undefined) throw new Error('npm pack reported no tarball');
  return { tarball: join(destination, result.filename), files: result.files.map((file) => file.path).sort() };
};

/** The files `npm pack` would put in the tarball of this folder as it is. */
export const packList = async (packageDir: string): Promise<string[]> => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: packageDir });
  const [result] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return (result?.files ?? []).map((file) => file.path).sort();
};

export interface OutsideApp {
  readonly dir: string;
  /** Type-checks and compiles app.ts with the app's own tsconfig. */
  readonly compile: () => Promise<void>;
  /** Runs the compiled app as the CDK CLI does (CDK_OUTDIR set: it synthesizes when it ends) into `cdk.out`. */
  readonly synth: () => Promise<{ code: number; stderr: string }>;
}

export const createOutsideApp = async (tarball: string, repoNodeModules: string): Promise<OutsideApp> => {
  const dir = await mkdtemp(join(tmpdir(), 'outside-app-'));
  const installed = join(dir, 'node_modules/presigned-url-nonce');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  await Promise.all([
    ...LINKED_PACKAGES.map((name) => symlink(join(repoNodeModules, name), join(dir, 'node_modules', name), 'dir')),
    writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'outside-app', private: true, type: 'module' })}\n`),
    writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`),
    writeFile(join(dir, 'app.ts'), APP_SOURCE),
  ]);
  return {
    dir,
    compile: async () => {
      await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '--project', dir], { cwd: dir });
    },
    synth: () =>
      new Promise((resolve) => {
        const env = { ...process.env, CDK_OUTDIR: join(dir, 'cdk.out') };
        execFile(process.execPath, [join(dir, 'build/app.js')], { cwd: dir, env }, (error, _stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
        });
      }),
  };
};

/** A package folder to pack: package.json and README.md from the repository, dist/ from a build. */
export const stagePackage = async (repoRoot: string, stagingDir: string): Promise<void> => {
  await Promise.all(['package.json', 'README.md'].map((file) => cp(join(repoRoot, file), join(stagingDir, file))));
};
