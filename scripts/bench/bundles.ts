/**
 * The Lambda bundles exactly as `cdk synth` builds them (lib/app.ts with cdk.json's context: esbuild,
 * minified ESM, the AWS SDK bundled), with each function's environment as the template sets it; and,
 * for comparison, the measured handlers built the way this project built them before, with the same
 * CDK bundling but `@aws-sdk/*` left to the runtime.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, type CfnFunction, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { createApp } from '../../lib/app.js';
import { BUNDLING, HANDLER_ENTRIES, type NonceFunction, RUNTIME } from '../../lib/functions.js';
import { assetDirOf } from '../lambda-assets.js';

export const FUNCTION_KEYS = ['generateUrl', 'validateNonce', 'accessObject', 'nonceStatus', 'revokeNonce'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

export interface Bundle {
  /** The asset folder: index.mjs and its source map. */
  readonly dir: string;
  readonly entry: string;
  readonly bytes: number;
  /** The template's literal environment values (names of resources are references there, left out). */
  readonly environment: Readonly<Record<string, string>>;
}

const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

const literalStrings = (values: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(typeof values === 'object' && values !== null ? values : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );

const assetOf = (fn: LambdaFunction, outdir: string): { dir: string; entry: string } => {
  const dir = assetDirOf(fn, outdir);
  return { dir, entry: join(dir, 'index.mjs') };
};

/** Synthesizes the stack into outdir and describes each function's bundle. */
export const buildBundles = (outdir: string): Record<FunctionKey, Bundle> => {
  const { app, stack } = createApp({ outdir, context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  app.synth();
  const describe = (target: NonceFunction): Bundle => {
    const { dir, entry } = assetOf(target.function, outdir);
    const cfn = target.function.node.defaultChild as CfnFunction;
    const environment = stack.resolve(cfn.environment) as { variables?: unknown } | undefined;
    return { dir, entry, bytes: statSync(entry).size, environment: literalStrings(environment?.variables) };
  };
  return Object.fromEntries(FUNCTION_KEYS.map((key) => [key, describe(stack.links.functions[key])])) as Record<
    FunctionKey,
    Bundle
  >;
};

/**
 * The given handlers bundled as before: BUNDLING with `@aws-sdk/*` external, through the same
 * NodejsFunction, so that the only difference is where the SDK comes from. outdir must sit inside the
 * repository: run from there, the bundles resolve @aws-sdk/* from node_modules, as the Lambda runtime
 * resolves them from its own copy. Each keeps the environment of its shipped counterpart.
 */
export const buildSdkExternalBundles = <K extends FunctionKey>(
  outdir: string,
  shipped: Readonly<Record<K, Bundle>>,
): Record<K, Bundle> => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'SdkExternal');
  const keys = Object.keys(shipped) as K[];
  const functions = keys.map(
    (key) =>
      [
        key,
        new NodejsFunction(stack, key, {
          entry: HANDLER_ENTRIES[key],
          handler: 'handler',
          runtime: RUNTIME,
          architecture: Architecture.ARM_64,
          bundling: { ...BUNDLING, externalModules: ['@aws-sdk/*'] },
        }),
      ] as const,
  );
  app.synth();
  return Object.fromEntries(
    functions.map(([key, fn]) => {
      const { dir, entry } = assetOf(fn, outdir);
      return [key, { dir, entry, bytes: statSync(entry).size, environment: shipped[key].environment }];
    }),
  ) as Record<K, Bundle>;
};
