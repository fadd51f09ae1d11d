/** Where CDK staged a function's asset: `asset.<hash>` in the assembly's out dir, named by its S3 key. */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

export const assetDirOf = (fn: lambda.Function, outdir: string): string => {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const code = Stack.of(fn).resolve(cfn.code) as { s3Key?: unknown };
  if (typeof code.s3Key !== 'string') throw new Error(`${fn.node.path}: no asset key in the template`);
  return join(outdir, `asset.${code.s3Key.replace(/\.zip$/, '')}`);
};
