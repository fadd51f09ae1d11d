/**
 * PresignedUrlNonce in someone else's stack: typed props validated with the context's sentences, a bucket
 * of the app's own, an alarm topic of its own, grantProduce, two constructs in one stack, and what it
 * exposes. test/e2e/package.test.ts does the same from the packed tarball, in an app of its own.
 */
import { App, Annotations as CoreAnnotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { type ApiLogLevel, OptionError } from '../../lib/options.js';
import { PresignedUrlNonce, type PresignedUrlNonceProps } from '../../lib/presigned-url-nonce.js';
import { PresignedUrlNonceStack } from '../../lib/presigned-url-nonce-stack.js';
import { EXISTING_BUCKET_WARNING } from '../../lib/storage.js';
import { logicalIdOf, nagFindings, testApp } from './support.js';

const errorOf = (build: () => unknown): OptionError => {
  try {
    build();
  } catch (error: unknown) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error('expected an OptionError');
};

describe('props and context: one validator, one sentence', () => {
  const cases: [keyof PresignedUrlNonceProps, unknown][] = [
    ['rateLimitPer5Min', 5],
    ['presignTtlSeconds', 301],
    ['throttlingRateLimit', 'fast'],
    ['allowedCidrs', ['10.0.0.1/8']],
    ['allowedVpcEndpoints', ['vpc-1a2b3c4d']],
    ['allowedOrigins', ['*']],
    ['alarmEmail', 'nobody'],
    ['publicBaseUrl', 'http://files.example.com'],
    ['apiLogLevel', 'INFO' satisfies string as ApiLogLevel],
    ['logRetentionDays', 10 as RetentionDays],
    ['removalPolicy', RemovalPolicy.SNAPSHOT],
    ['requireMfa', 'yes'],
    ['stageName', 'prod/v1'],
    ['producerKeyPrefixes', { 'arn:aws:iam::111122223333:role/reports': 'reports/' }],
  ];

  it.each(cases)('%s = %j: the same problem, named as a property or as a context value', (key, value) => {
    const fromProps = errorOf(() => new PresignedUrlNonce(new Stack(testApp(), 'App'), 'Links', { [key]: value }));
    const fromContext = errorOf(() => new PresignedUrlNonceStack(testApp({ [key]: value }), 'Ready'));

    expect(fromProps.message).toBe(`Invalid PresignedUrlNonce property "${key}": ${fromProps.problem}`);
    expect(fromContext.message).toBe(`Invalid CDK context value "${key}": ${fromContext.problem}`);
    expect(fromProps.problem).toBe(fromContext.problem);
    expect(fromProps.problem).toMatch(/^\S.*\.$/);
  });

  it('refuses alarmEmail together with alarmTopic', () => {
    const stack = new Stack(testApp(), 'App');
    const topic = new sns.Topic(stack, 'Ops');
    expect(() => new PresignedUrlNonce(stack, 'Links', { alarmTopic: topic, alarmEmail: 'ops@example.com' })).toThrow(
      'Invalid PresignedUrlNonce property "alarmEmail": give alarmEmail or alarmTopic, not both',
    );
  });
});

describe('in a stack of the app, with the app bucket and alarm topic, granted to a function', () => {
  const app = testApp();
  const stack = new Stack(app, 'App');
  const files = new s3.Bucket(stack, 'Files', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
  });
  const ops = new sns.Topic(stack, 'Ops', { enforceSSL: true });
  const links = new PresignedUrlNonce(stack, 'Links', {
    bucket: files,
    alarmTopic: ops,
    allowedCidrs: ['203.0.113.0/24'],
    allowedOrigins: ['https://app.example.com'],
    presignTtlSeconds: 30,
  });
  const producer = new lambda.Function(stack, 'Producer', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => {};'),
  });
  links.grantProduce(producer);
  const user = new iam.User(stack, 'Operator');
  links.grantProduce(user);
  const template = Template.fromStack(stack);

  it('creates no bucket of its own and adds its denies and CORS rule to the app bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(links.bucket).toBe(files);
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.com'] })] },
    });
    const policy = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.values(policy)).toHaveLength(1);
    const statements = (Object.values(policy)[0]?.Properties.PolicyDocument.Statement ?? []) as {
      Sid?: string;
      Condition?: unknown;
    }[];
    expect(statements.map((statement) => statement.Sid)).toEqual(
      expect.arrayContaining([
        'DenyInsecureTransport',
        'DenyGetsSignedLongerAgoThanThePresignWindow',
        'DenyPresignedGetsFromOutsideTheAllowList',
      ]),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Condition: { NumericGreaterThan: { 's3:signatureAge': 30_000 } } }),
    );
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  it('notifies the app topic and creates no topic or key of its own', () => {
    expect(links.alarmTopic).toBe(ops);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(ops) }]);
  });

  it('grantProduce attaches the producer policy to the function role and to the user', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalIdOf(producer.role ?? producer) }],
      Users: [{ Ref: logicalIdOf(user) }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'execute-api:Invoke', Resource: Match.anyValue() })],
      },
    });
    expect(() => links.grantProduce(new iam.AccountPrincipal('111122223333'))).toThrow(/IAM role, user or group/);
  });

  it('exposes what a user wires next', () => {
    expect(logicalIdOf(links.api)).toMatch(/^LinksApiRestApi/);
    expect(stack.resolve(links.apiUrl)).toEqual({
      'Fn::Join': ['', expect.arrayContaining([{ Ref: logicalIdOf(links.api) }])],
    });
    expect(logicalIdOf(links.table)).toMatch(/^LinksStorageNonces/);
    expect(logicalIdOf(links.producerPolicy)).toMatch(/^LinksProducerAccessPolicy/);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(links.dashboard.node.path).toBe('App/Links/Monitoring/Dashboard');
  });

  it("passes cdk-nag with no finding of its own (the app's function has its own)", () => {
    const findings = nagFindings(app);
    expect(findings.filter((finding) => finding.includes(' at App/Links/'))).toEqual([]);
    expect(findings.some((finding) => finding.includes(' at App/Producer/'))).toBe(true);
  });
});

describe('fronting an imported bucket', () => {
  const stack = new Stack(testApp(), 'App');
  new PresignedUrlNonce(stack, 'Links', {
    bucket: s3.Bucket.fromBucketName(stack, 'Imported', 'my-private-objects'),
    allowedOrigins: ['https://app.example.com'],
  });

  it('warns which statements and CORS rule to add, since CDK cannot change that bucket', () => {
    Annotations.fromStack(stack).hasWarning(
      '/App/Links/Storage',
      Match.stringLikeRegexp(
        '"my-private-objects".*TLS-only and s3:signatureAge \\(> 60000 ms\\) deny statements to its bucket policy, and a CORS rule for https://app.example.com yourself',
      ),
    );
  });
});

describe('the imported-bucket warning, acknowledged once the statements are added by hand', () => {
  const stack = new Stack(testApp(), 'App');
  new PresignedUrlNonce(stack, 'Links', { bucket: s3.Bucket.fromBucketName(stack, 'Imported', 'my-private-objects') });
  CoreAnnotations.of(stack).acknowledgeWarning(
    EXISTING_BUCKET_WARNING,
    'Statements added to the bucket policy by hand.',
  );

  it('is gone', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('namePrefix', () => {
  it('defaults to the stack name; two constructs in one stack need their own', () => {
    const stack = new Stack(testApp(), 'App');
    new PresignedUrlNonce(stack, 'Links');
    expect(() => new PresignedUrlNonce(stack, 'More')).toThrow(
      'Invalid PresignedUrlNonce property "namePrefix": "App" is already the name prefix of App/Links',
    );
    new PresignedUrlNonce(stack, 'Reports', { namePrefix: 'App-reports' });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL')).map(
      (acl) => acl.Properties.Name,
    );
    expect(names.sort()).toEqual(['App-api', 'App-reports-api']);
  });

  it("is held to the limits of the names derived from it, the stack's name included", () => {
    const longName = `S${'a'.repeat(99)}`;
    expect(() => new PresignedUrlNonce(new Stack(testApp(), longName), 'Links')).toThrow(
      /^Invalid PresignedUrlNonce property "namePrefix": expected at most 93 characters, got 100: .*"<namePrefix> alarms".* It defaults to the stack's name\.$/,
    );
    expect(() => new PresignedUrlNonce(new Stack(testApp(), 'App'), 'Links', { namePrefix: 'a_b' })).toThrow(
      /"namePrefix": expected a letter, then letters, digits or hyphens/,
    );
  });
});

describe('in an app without feature flags (a cdk.json older than them), with buckets of its own', () => {
  // No context but the one that skips bundling: every flag at CDK 2's original behaviour.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Old');
  const links = new PresignedUrlNonce(stack, 'Links');
  const template = Template.fromStack(stack);

  it('delivers the access logs through the logs bucket policy, ACLs staying disabled', () => {
    const logs = links.storage.accessLogsBucket;
    if (logs === undefined) throw new Error('expected an access-logs bucket');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(logs) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
