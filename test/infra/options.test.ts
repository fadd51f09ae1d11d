/**
 * The stack synthesized with every option set from context, and once more fronting an existing bucket
 * behind an IPv4 allow list without the API Gateway account role: what each option changes in the
 * template, with cdk-nag (and, for the first, CloudFormation validation) still clean.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  EVERY_OPTION_CONTEXT,
  EXISTING_BUCKET_CONTEXT,
  logicalIdOf,
  nagFindings,
  producerInvokeArns,
  synth,
} from './support.js';

const OPTIONS = synth(
  EVERY_OPTION_CONTEXT,
  // The widest template: CDK's CloudFormation validation (schemas, patterns) runs on it, as in `cdk synth`.
  { validateTemplates: true },
);

const EXISTING = synth(EXISTING_BUCKET_CONTEXT);

describe.each([
  ['every option set', OPTIONS],
  ['an existing bucket and an IPv4 allow list', EXISTING],
])('cdk-nag AwsSolutions with %s', (_name, synthesized) => {
  it('reports no finding that is not acknowledged', () => {
    expect(nagFindings(synthesized.app)).toEqual([]);
  });
});

describe('storage with allowedOrigins, presignTtlSeconds and removalPolicy from context', () => {
  const { stack, template } = OPTIONS;

  it('lets those origins GET and HEAD the objects, nothing more', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          {
            AllowedMethods: ['GET', 'HEAD'],
            AllowedOrigins: ['https://app.example.com'],
            AllowedHeaders: ['Range'],
            ExposedHeaders: Match.arrayWith(['Content-Disposition']),
            MaxAge: 600,
          },
        ],
      },
    });
  });

  it('follows presignTtlSeconds in the signature-age deny', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(stack.links.storage.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Condition: { NumericGreaterThan: { 's3:signatureAge': 30_000 } } }),
        ]),
      },
    });
  });

  it('denies presigned GETs that come neither from allowedCidrs nor through allowedVpcEndpoints', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(stack.links.storage.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyPresignedGetsFromOutsideTheAllowList',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Resource: Match.anyValue(),
            // All three must hold. A request through a VPC endpoint has no aws:SourceIp and one from the
            // internet no aws:SourceVpce; a negated operator is true for an absent key.
            Condition: {
              StringEquals: { 's3:authType': 'REST-QUERY-STRING' },
              NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/32'] },
              StringNotEquals: { 'aws:SourceVpce': ['vpce-0123456789abcdef0'] },
            },
          },
        ]),
      },
    });
  });

  it('deletes instead of retaining, without deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe('storage fronting an existing bucket', () => {
  const { template } = EXISTING;

  it('creates no bucket and scopes GetObject to that bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-private-objects/*']],
            },
          },
        ]),
      },
    });
  });

  it("warns that it cannot add the TLS-only, signature-age and allow-list denies to that bucket's policy", () => {
    Annotations.fromStack(EXISTING.stack).hasWarning(
      '*',
      Match.stringLikeRegexp(
        'my-private-objects.*TLS-only and s3:signatureAge .*presigned-GET allow-list deny.*docs/infrastructure.md',
      ),
    );
  });

  it('hands the functions that bucket name', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUCKET_NAME: 'my-private-objects' }) },
    });
  });
});

describe('functions with limits, presignTtlSeconds and a public base URL from context', () => {
  const { stack, template } = OPTIONS;

  it('passes them to the functions that read them', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(stack.links.functions.generateUrl.role), 'Arn'] },
      Environment: {
        Variables: Match.objectLike({
          MAX_EXPIRES_IN_SECONDS: '86400',
          MAX_USES_LIMIT: '5',
          PUBLIC_BASE_URL: 'https://files.example.com',
          PRODUCER_KEY_PREFIXES: JSON.stringify({
            'arn:aws:sts::111122223333:assumed-role/reports': 'reports/',
            '*': 'shared/',
          }),
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(stack.links.functions.accessObject.role), 'Arn'] },
      Environment: { Variables: Match.objectLike({ PRESIGN_TTL_SECONDS: '30' }) },
    });
  });

  it('never points a deployed function at an emulator', () => {
    const variables = JSON.stringify(template.findResources('AWS::Lambda::Function'));
    expect(variables).not.toContain('DYNAMODB_ENDPOINT');
    expect(variables).not.toContain('S3_ENDPOINT');
  });
});

describe('the REST API with log level, stage and throttling from context', () => {
  const { template } = OPTIONS;

  it('applies them to the stage, still without data tracing, the consumer route with its own limits', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 5,
          ThrottlingBurstLimit: 10,
        }),
        ...['GET', 'POST'].map((method) =>
          Match.objectLike({
            HttpMethod: method,
            ResourcePath: '/~1access-object',
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            ThrottlingRateLimit: 20,
            ThrottlingBurstLimit: 40,
          }),
        ),
      ],
    });
  });
});

describe('the REST API with apiGatewayCloudWatchRole false (and an existing bucket)', () => {
  const { template } = EXISTING;

  it('leaves the account-level CloudWatch role alone', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain(
      'AmazonAPIGatewayPushToCloudWatchLogs',
    );
  });
});

describe('the web ACL with allowedCidrs and rateLimitPer5Min from context', () => {
  const { template } = OPTIONS;

  it('blocks every address outside the allow list first, answering 403', () => {
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Scope: 'REGIONAL',
      IPAddressVersion: 'IPV4',
      Addresses: ['203.0.113.0/24', '198.51.100.7/32'],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/32'] });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'IpAllowList',
          Priority: 0,
          Statement: {
            NotStatement: {
              Statement: {
                OrStatement: {
                  Statements: [
                    { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
                    { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
                  ],
                },
              },
            },
          },
          Action: {
            Block: { CustomResponse: Match.objectLike({ ResponseCode: 403, CustomResponseBodyKey: 'forbidden' }) },
          },
        }),
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: { RateBasedStatement: Match.objectLike({ Limit: 200 }) },
        }),
      ]),
    });
  });

  it('applies logRetentionDays to every log group', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('the web ACL with an IPv4-only allow list (and an existing bucket)', () => {
  const { template } = EXISTING;

  it('references the one IP set directly', () => {
    template.resourceCountIs('AWS::WAFv2::IPSet', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'IpAllowList',
          Statement: { NotStatement: { Statement: { IPSetReferenceStatement: Match.anyValue() } } },
        }),
      ]),
    });
  });
});

describe('monitoring with alarmEmail and denialAlarmThreshold from context', () => {
  const { template } = OPTIONS;

  it('subscribes the address to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('uses the threshold for the guessing alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(m0, 0) + FILL(m1, 0)' })]),
    });
  });
});

describe('producer access with requireMfa', () => {
  const { stack, template } = OPTIONS;

  it('requires an MFA-authenticated session', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'InvokeProducerRoutes',
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: producerInvokeArns(logicalIdOf(stack.links.api), 'v1'),
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      },
    });
  });
});
