/**
 * Synthesizes the stack for template tests: cdk.json's context (feature flags and option defaults) and the
 * test's overrides, without bundling and (unless asked) without the built-in CloudFormation validation, so
 * one synth takes about a second. test/infra/synth.test.ts runs the `cdk synth` path with the real bundles.
 */
import { readFileSync } from 'node:fs';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PresignedUrlNonceStack } from '../../lib/presigned-url-nonce-stack.js';

interface CdkJson {
  readonly app: string;
  readonly context: Record<string, unknown>;
  readonly notices?: boolean;
}

export const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as CdkJson;

/** Every option set, each to something other than its default (test/infra/options.test.ts). */
export const EVERY_OPTION_CONTEXT: Readonly<Record<string, unknown>> = {
  allowedOrigins: ['https://app.example.com'],
  presignTtlSeconds: 30,
  removalPolicy: 'destroy',
  maxExpiresInSeconds: 86_400,
  maxUsesLimit: 5,
  publicBaseUrl: 'https://files.example.com',
  apiLogLevel: 'ERROR',
  stageName: 'v1',
  throttlingRateLimit: 5,
  throttlingBurstLimit: 10,
  consumerThrottlingRateLimit: 20,
  consumerThrottlingBurstLimit: 40,
  allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/32'],
  allowedVpcEndpoints: ['vpce-0123456789abcdef0'],
  producerKeyPrefixes: { 'arn:aws:sts::111122223333:assumed-role/reports': 'reports/', '*': 'shared/' },
  rateLimitPer5Min: 200,
  logRetentionDays: 30,
  alarmEmail: 'ops@example.com',
  denialAlarmThreshold: 5,
  requireMfa: true,
};

/** Fronting an existing bucket behind an IPv4 allow list, without the API Gateway account role. */
export const EXISTING_BUCKET_CONTEXT: Readonly<Record<string, unknown>> = {
  existingBucketName: 'my-private-objects',
  allowedCidrs: ['203.0.113.0/24'],
  apiGatewayCloudWatchRole: false,
};

export interface Synthesized {
  readonly app: App;
  readonly stack: PresignedUrlNonceStack;
  readonly template: Template;
}

export interface TestAppOptions {
  /**
   * Run CDK's built-in CloudFormation validation (schemas and patterns; a finding fails synth). It costs
   * several seconds, so one synth with every option set runs it.
   * @default false
   */
  readonly validateTemplates?: boolean;
}

/** A test app with cdk.json's context plus `context`; no bundling (a placeholder asset stands in). */
export const testApp = (context: Record<string, unknown> = {}, options: TestAppOptions = {}): App =>
  new App({
    context: { ...CDK_JSON.context, ...context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.validateTemplates ?? false,
  });

export const synth = (context: Record<string, unknown> = {}, options: TestAppOptions = {}): Synthesized => {
  const app = testApp(context, options);
  const stack = new PresignedUrlNonceStack(app, 'Test');
  return { app, stack, template: Template.fromStack(stack) };
};

/** The logical id of a construct's CloudFormation resource, resolved through the construct, never spelled. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (resource === undefined || !CfnResource.isCfnResource(resource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  const resolved = Stack.of(resource).resolve(resource.ref) as { Ref: string };
  return resolved.Ref;
};

export type Statement = {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
  readonly Principal?: unknown;
  readonly Sid?: string;
};

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every AWS::IAM::Policy attached to the role with this logical id. */
export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

/** The actions of a list of statements, flattened and sorted. */
export const actionsOf = (statements: readonly Statement[]): string[] =>
  statements.flatMap((statement) => asArray(statement.Action)).sort();

/** The unacknowledged cdk-nag AwsSolutions findings of an app, as "rule at path" lines. */
export const nagFindings = (app: App): string[] =>
  new AwsSolutionsChecks()
    .validateScope(app)
    .violations.map(
      (violation) => `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

/** Every cdk-nag acknowledgement in the tree: rule id, reason and the construct it is placed on. */
export const acknowledgements = (root: IConstruct) =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );

/** The execute-api ARN of a method and path on a stage, as the template spells it. */
export const invokeArn = (apiLogicalId: string, stage: string, method: string, path: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':execute-api:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':',
      { Ref: apiLogicalId },
      `/${stage}/${method}${path}`,
    ],
  ],
});

/** The execute-api ARNs of the producer routes on a stage, in the order CDK sorts a statement's resources. */
export const producerInvokeArns = (apiLogicalId: string, stage: string) => [
  invokeArn(apiLogicalId, stage, 'DELETE', '/nonces/*'),
  invokeArn(apiLogicalId, stage, 'GET', '/nonces/*'),
  invokeArn(apiLogicalId, stage, 'POST', '/generate-url'),
];
