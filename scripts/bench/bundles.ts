/**
 * The Lambda bundles exactly as `cdk synth` builds them (lib/app.ts with cdk.json's context: esbuild,
 * minified ESM, @aws-sdk/* external), with each function's environment as the template sets it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createApp } from '../../lib/app.js';
import type { NonceFunction } from '../../lib/functions.js';

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

/**
 * Synthesizes into outdir (which must sit inside the repository, so that a bundle's external
 * @aws-sdk/* imports resolve from node_modules when it is run) and describes each function's bundle.
 */
export const buildBundles = (outdir: string): Record<FunctionKey, Bundle> => {
  const { app, stack } = createApp({ outdir, context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  app.synth();
  const describe = (target: NonceFunction): Bundle => {
    const cfn = target.function.node.defaultChild as CfnFunction;
    const code = stack.resolve(cfn.code) as { s3Key?: unknown };
    if (typeof code.s3Key !== 'string') throw new Error(`${target.node.path}: no asset key in the template`);
    const dir = join(outdir, `asset.${code.s3Key.replace(/\.zip$/, '')}`);
    const entry = join(dir, 'index.mjs');
    const environment = stack.resolve(cfn.environment) as { variables?: unknown } | undefined;
    return { dir, entry, bytes: statSync(entry).size, environment: literalStrings(environment?.variables) };
  };
  return Object.fromEntries(FUNCTION_KEYS.map((key) => [key, describe(stack.functions[key])])) as Record<
    FunctionKey,
    Bundle
  >;
};
