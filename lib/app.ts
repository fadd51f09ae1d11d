/**
 * The CDK app as `cdk synth` builds it: the stack from validated context, and cdk-nag's AwsSolutions
 * pack as a validation plugin, so a finding that is not acknowledged in lib/ (with its reason) fails
 * synthesis. bin/app.ts runs this; the infra tests run it too.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from './context.js';
import { checkContextOptions } from './context-options.js';
import { PresignedUrlNonceStack } from './presigned-url-nonce-stack.js';

export interface PresignedUrlNonceApp {
  readonly app: App;
  readonly stack: PresignedUrlNonceStack;
}

export const createApp = (props: AppProps = {}): PresignedUrlNonceApp => {
  const app = new App(props);
  // Every key it was given, cdk.json's and `-c`'s: an unknown one is a typo that would deploy a default.
  checkContextOptions(app.node.getAllContext());
  const settings = settingsFromContext(app.node);
  // Environment-agnostic on purpose: synthesis needs no account, no region and no lookups.
  const stack = new PresignedUrlNonceStack(app, settings.stackName, { settings });
  // cdk-nag 3 is a policy-validation plugin (not an Aspect): it runs after synthesis, on the final tree.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
