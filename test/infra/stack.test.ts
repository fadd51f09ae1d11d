/**
 * The stack synthesized once with the default context (cdk.json), checked concern by concern.
 * test/infra/options.test.ts does the same with every option set.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DenialReason } from '../../lambda/core/rules.js';
import { MAX_DISPOSITION_LENGTH, MAX_KEY_BYTES, PRINTABLE_ASCII } from '../../lambda/handlers/generate-url-request.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/telemetry.js';
import {
  DISPOSITION_MAX_LENGTH,
  DISPOSITION_PATTERN,
  GENERATE_URL_REQUEST_SCHEMA,
  gatewayResponseBody,
  KEY_MAX_LENGTH,
} from '../../lib/api.js';
import { type NonceFunction, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '../../lib/functions.js';
import { GATEWAY_RESPONSES, NONCE_INVALID_MESSAGE } from '../../lib/gateway-responses.js';
import { GUESSING_DENIAL_REASONS, NONCE_ID_PLACEHOLDER } from '../../lib/monitoring.js';
import {
  acknowledgements,
  actionsOf,
  asArray,
  logicalIdOf,
  nagFindings,
  producerInvokeArns,
  type Statement,
  statementsOfRole,
  synth,
} from './support.js';

const DEFAULT = synth();

interface Rule {
  readonly Name: string;
  readonly Priority: number;
  readonly Statement: Record<string, unknown>;
  readonly Action?: Record<string, unknown>;
  readonly OverrideAction?: Record<string, unknown>;
  readonly VisibilityConfig: { readonly SampledRequestsEnabled: boolean };
}

interface AlarmProperties {
  readonly AlarmActions: unknown[];
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Dimensions?: unknown[] } };
  }[];
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData: string;
}

/** The rule ids without the logical id cdk-nag puts inside an IAM5 resource finding. */
const ruleOf = (id: string): string =>
  id
    .replace(/<[A-Za-z0-9]+\.Arn>/, '<bucket>')
    .replace(/arn:<AWS::Partition>:execute-api:.*\/(GET|DELETE)\//, '<execute-api>/');

describe('cdk-nag AwsSolutions with the default context', () => {
  it('reports no finding that is not acknowledged', () => {
    expect(nagFindings(DEFAULT.app)).toEqual([]);
  });
});

describe('storage with the default context', () => {
  const { stack, template } = DEFAULT;
  const objectsBucket = logicalIdOf(stack.links.storage.bucket);
  const logsBucket =
    stack.links.storage.accessLogsBucket === undefined ? '' : logicalIdOf(stack.links.storage.accessLogsBucket);
  const bucketPolicy = (bucketLogicalId: string): Statement[] => {
    const policies = Object.values(
      template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketLogicalId } } }),
    );
    expect(policies).toHaveLength(1);
    return policies[0]?.Properties.PolicyDocument.Statement as Statement[];
  };

  it('keys the nonce table on pk, on demand, with TTL on expiresAt, PITR and encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('retains the table and the buckets by default', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('blocks all public access, disables ACLs and encrypts both buckets', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('logs access to the object bucket into the logs bucket, which expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: 'objects/' },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })]),
      },
    });
  });

  it('denies every request without TLS (or below TLS 1.2) on both buckets', () => {
    for (const bucket of [objectsBucket, logsBucket]) {
      const statements = bucketPolicy(bucket);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      );
    }
  });

  it('denies GETs whose signature is older than the presign window (invariant 6)', () => {
    expect(bucketPolicy(objectsBucket)).toContainEqual({
      Sid: 'DenyGetsSignedLongerAgoThanThePresignWindow',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [objectsBucket, 'Arn'] }, '/*']] },
      Condition: { NumericGreaterThan: { 's3:signatureAge': 60_000 } },
    });
  });

  it('restricts presigned GETs by address only when allowedCidrs or allowedVpcEndpoints is set', () => {
    expect(bucketPolicy(objectsBucket).map((statement) => statement.Sid)).not.toContain(
      'DenyPresignedGetsFromOutsideTheAllowList',
    );
  });

  it('has no CORS rule unless allowedOrigins asks for one', () => {
    expect(JSON.stringify(template.findResources('AWS::S3::Bucket'))).not.toContain('CorsConfiguration');
  });
});

describe('functions and their permissions', () => {
  const { stack, template } = DEFAULT;
  const table = logicalIdOf(stack.links.storage.table);
  const bucket = logicalIdOf(stack.links.storage.bucket);
  const tableArn = { 'Fn::GetAtt': [table, 'Arn'] };
  const objectsArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] };
  const xray = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
  const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];

  const functionProps = (target: NonceFunction) =>
    template.findResources('AWS::Lambda::Function', {
      Properties: { Role: { 'Fn::GetAtt': [logicalIdOf(target.role), 'Arn'] } },
    });
  const environmentOf = (target: NonceFunction): Record<string, unknown> => {
    const found = Object.values(functionProps(target));
    expect(found).toHaveLength(1);
    return found[0]?.Properties.Environment.Variables as Record<string, unknown>;
  };
  const statementsOf = (target: NonceFunction) => statementsOfRole(template, logicalIdOf(target.role));
  const resourcesOf = (target: NonceFunction, action: string) =>
    statementsOf(target)
      .filter((statement) => asArray(statement.Action).includes(action))
      .flatMap((statement) => asArray(statement.Resource));

  it('runs five functions on the newest Node.js runtime, on arm64, traced, with JSON logs', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Timeout: 15,
    });
  });

  it('gives GenerateURL exactly dynamodb:PutItem on the table and s3:GetObject on the objects', () => {
    const target = stack.links.functions.generateUrl;
    expect(actionsOf(statementsOf(target))).toEqual(['dynamodb:PutItem', ...logs, 's3:GetObject', ...xray].sort());
    expect(resourcesOf(target, 'dynamodb:PutItem')).toEqual([tableArn]);
    expect(resourcesOf(target, 's3:GetObject')).toEqual([objectsArn]);
  });

  it('gives ValidateNonce exactly dynamodb:GetItem on the table', () => {
    const target = stack.links.functions.validateNonce;
    expect(actionsOf(statementsOf(target))).toEqual(['dynamodb:GetItem', ...logs, ...xray].sort());
    expect(resourcesOf(target, 'dynamodb:GetItem')).toEqual([tableArn]);
  });

  it('gives AccessObject exactly DeleteItem and UpdateItem on the table and s3:GetObject on the objects', () => {
    const target = stack.links.functions.accessObject;
    expect(actionsOf(statementsOf(target))).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:UpdateItem', ...logs, 's3:GetObject', ...xray].sort(),
    );
    expect(resourcesOf(target, 'dynamodb:DeleteItem')).toEqual([tableArn]);
    expect(resourcesOf(target, 'dynamodb:UpdateItem')).toEqual([tableArn]);
    expect(resourcesOf(target, 's3:GetObject')).toEqual([objectsArn]);
  });

  it('gives NonceStatus exactly dynamodb:GetItem on the table', () => {
    const target = stack.links.functions.nonceStatus;
    expect(actionsOf(statementsOf(target))).toEqual(['dynamodb:GetItem', ...logs, ...xray].sort());
    expect(resourcesOf(target, 'dynamodb:GetItem')).toEqual([tableArn]);
  });

  it('gives RevokeNonce exactly dynamodb:DeleteItem on the table', () => {
    const target = stack.links.functions.revokeNonce;
    expect(actionsOf(statementsOf(target))).toEqual(['dynamodb:DeleteItem', ...logs, ...xray].sort());
    expect(resourcesOf(target, 'dynamodb:DeleteItem')).toEqual([tableArn]);
  });

  it('lets each function write only to its own log group', () => {
    for (const target of stack.links.functions.all()) {
      expect(resourcesOf(target, 'logs:PutLogEvents')).toEqual([
        { 'Fn::GetAtt': [logicalIdOf(target.logGroup), 'Arn'] },
      ]);
    }
  });

  it('uses "*" only for X-Ray, which has no resource-level permissions', () => {
    const wildcard = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).filter((statement) =>
        asArray(statement.Resource).includes('*'),
      ),
    );
    expect(wildcard).toHaveLength(stack.links.functions.all().length);
    for (const statement of wildcard) expect(asArray(statement.Action).sort()).toEqual(xray);
  });

  it('attaches no managed policy to the function roles', () => {
    const roles = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    for (const target of stack.links.functions.all()) {
      const role = roles[logicalIdOf(target.role)];
      expect(role?.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role?.Properties.Policies).toBeUndefined();
    }
  });

  it('grants no wildcard action in any IAM policy of the stack', () => {
    const documents = [
      ...Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
        (policy) => policy.Properties.PolicyDocument,
      ),
      ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
        ((role.Properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
          (policy) => policy.PolicyDocument,
        ),
      ),
    ] as { Statement: { Action: string | string[] }[] }[];
    const actions = documents.flatMap((document) =>
      document.Statement.flatMap((statement) => asArray(statement.Action)),
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('sets each variable next to its grant: the table everywhere, the bucket only where GetObject is granted', () => {
    const common = {
      POWERTOOLS_SERVICE_NAME: 'presigned-url-nonce',
      POWERTOOLS_METRICS_NAMESPACE: 'PresignedUrlNonce',
    };
    expect(environmentOf(stack.links.functions.generateUrl)).toEqual({
      ...common,
      TABLE_NAME: { Ref: table },
      BUCKET_NAME: { Ref: bucket },
      MAX_EXPIRES_IN_SECONDS: '604800',
      MAX_USES_LIMIT: '100',
    });
    expect(environmentOf(stack.links.functions.validateNonce)).toEqual({
      ...common,
      TABLE_NAME: { Ref: table },
    });
    expect(environmentOf(stack.links.functions.accessObject)).toEqual({
      ...common,
      TABLE_NAME: { Ref: table },
      BUCKET_NAME: { Ref: bucket },
      PRESIGN_TTL_SECONDS: '60',
    });
    for (const target of [stack.links.functions.nonceStatus, stack.links.functions.revokeNonce]) {
      expect(environmentOf(target)).toEqual({
        ...common,
        TABLE_NAME: { Ref: table },
      });
    }
  });

  it('gives every function a log group with retention', () => {
    for (const target of stack.links.functions.all()) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalIdOf(target.role), 'Arn'] },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalIdOf(target.logGroup) } },
      });
    }
  });
});

describe('the REST API', () => {
  const { stack, template } = DEFAULT;
  const api = logicalIdOf(stack.links.api);
  const functionArn = (target: typeof stack.links.functions.generateUrl) => ({
    'Fn::GetAtt': [logicalIdOf(target.function), 'Arn'],
  });
  const stage = () => {
    const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(1);
    return stages[0]?.Properties as Record<string, unknown>;
  };

  it('authorizes GET and POST /access-object with the nonce REQUEST authorizer, results cache TTL 0', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      RestApiId: { Ref: api },
      Type: 'REQUEST',
      IdentitySource: 'method.request.querystring.nonce',
      AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([functionArn(stack.links.functions.validateNonce)])],
      }),
    });
    for (const method of ['GET', 'POST']) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: logicalIdOf(stack.links.nonceApi.authorizer) },
        ResourceId: { Ref: logicalIdOf(stack.links.nonceApi.accessObjectMethod.resource) },
        Integration: Match.objectLike({
          Type: 'AWS_PROXY',
          Uri: Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([functionArn(stack.links.functions.accessObject)])],
          }),
        }),
      });
    }
    // One resource, the same function: AccessObject's least-privilege grants serve both methods.
    expect(stack.links.nonceApi.redeemObjectMethod.resource).toBe(stack.links.nonceApi.accessObjectMethod.resource);
    // No model or validator on POST: its body is ignored (AccessObject accepts only an empty or form body).
    const post = Object.values(template.findResources('AWS::ApiGateway::Method')).find(
      (method) =>
        method.Properties?.HttpMethod === 'POST' &&
        JSON.stringify(method.Properties?.ResourceId) ===
          JSON.stringify({ Ref: logicalIdOf(stack.links.nonceApi.accessObjectMethod.resource) }),
    );
    expect(post?.Properties?.RequestModels).toBeUndefined();
    expect(post?.Properties?.RequestValidatorId).toBeUndefined();
  });

  it('requires SigV4 (AWS_IAM) on POST /generate-url and validates its body against the model', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ResourceId: { Ref: logicalIdOf(stack.links.nonceApi.generateUrlMethod.resource) },
      RequestModels: { 'application/json': { Ref: Match.anyValue() } },
      RequestValidatorId: { Ref: Match.anyValue() },
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([functionArn(stack.links.functions.generateUrl)])] }),
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      RestApiId: { Ref: api },
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('requires SigV4 (AWS_IAM) on GET and DELETE /nonces/{nonceId}, each on its own function', () => {
    for (const [method, target] of [
      ['GET', stack.links.functions.nonceStatus],
      ['DELETE', stack.links.functions.revokeNonce],
    ] as const) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        AuthorizationType: 'AWS_IAM',
        ResourceId: { Ref: logicalIdOf(stack.links.nonceApi.nonceStatusMethod.resource) },
        RequestParameters: { 'method.request.path.nonceId': true },
        RequestValidatorId: { Ref: Match.anyValue() },
        Integration: Match.objectLike({
          Type: 'AWS_PROXY',
          Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([functionArn(target)])] }),
        }),
      });
    }
  });

  it('serves exactly the five routes and methods', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', 5);
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (resource) => resource.Properties.PathPart,
    );
    expect(paths.sort()).toEqual(['access-object', 'generate-url', 'nonces', '{nonceId}']);
  });

  it('lets API Gateway invoke each function only from this API (AccessObject from its two methods)', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 6);
    template.allResourcesProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: api }])] }),
    });
    const accessObject = Object.values(template.findResources('AWS::Lambda::Permission')).filter((permission) =>
      JSON.stringify(permission.Properties.FunctionName).includes(
        logicalIdOf(stack.links.functions.accessObject.function),
      ),
    );
    expect(accessObject.map((permission) => JSON.stringify(permission.Properties.SourceArn)).sort()).toEqual([
      expect.stringContaining('/GET/access-object'),
      expect.stringContaining('/POST/access-object'),
    ]);
  });

  it('models the POST body as generate-url-request.ts does', () => {
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      RestApiId: { Ref: api },
      ContentType: 'application/json',
      Schema: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: ['key'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', minLength: 1, maxLength: 1024 },
          expiresInSeconds: { type: 'integer', minimum: 1 },
          maxUses: { type: 'integer', minimum: 1 },
          responseContentDisposition: { type: 'string', maxLength: 512, pattern: '^[\\x20-\\x7e]*$' },
          confirm: { type: 'boolean' },
        },
      },
    });
    expect(KEY_MAX_LENGTH).toBe(MAX_KEY_BYTES);
    expect(DISPOSITION_PATTERN).toBe(PRINTABLE_ASCII.source);
    expect(DISPOSITION_MAX_LENGTH).toBe(MAX_DISPOSITION_LENGTH);
    expect(Object.keys(GENERATE_URL_REQUEST_SCHEMA.properties ?? {}).sort()).toEqual(
      ['confirm', 'expiresInSeconds', 'key', 'maxUses', 'responseContentDisposition'].sort(),
    );
  });

  it('writes JSON access logs that never hold the query string, the body or a request header', () => {
    const settings = stage().AccessLogSetting as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({
      'Fn::Join': [
        '',
        expect.arrayContaining([':log-group:', { Ref: logicalIdOf(stack.links.nonceApi.accessLogGroup) }]),
      ],
    });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      nonceId: '$context.authorizer.nonceId',
    });
    expect(settings.Format).not.toMatch(/querystring|\$input|\$method|requestOverride|\$context\.path\b/i);
  });

  it('logs no execution and traces nothing (both would record the nonce), with metrics and per-method throttling', () => {
    expect(stage()).toMatchObject({
      StageName: 'prod',
      // X-Ray's API Gateway segment keeps the request URL: the nonce must not reach it.
      TracingEnabled: false,
      MethodSettings: [
        // The stage default: each producer method's own bucket.
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'OFF',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        },
        // The consumer route, set apart: GET and POST each with the consumer limits.
        ...['GET', 'POST'].map((method) => ({
          HttpMethod: method,
          ResourcePath: '/~1access-object',
          LoggingLevel: 'OFF',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        })),
      ],
    });
    expect(stage().CacheClusterEnabled).not.toBe(true);
  });

  it('configures the account-level CloudWatch role, retained when the stack goes', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
            ],
          },
        ],
      }),
    });
  });

  it('answers in the JSON error shape for every gateway response in lib/gateway-responses.ts', () => {
    const specs = Object.values(GATEWAY_RESPONSES);
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', specs.length);
    for (const spec of specs) {
      const fallback = spec.type === 'DEFAULT_4XX' || spec.type === 'DEFAULT_5XX';
      const extraHeaders = 'headers' in spec ? spec.headers : {};
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        RestApiId: { Ref: api },
        ResponseType: spec.type,
        // A status on a DEFAULT_* fallback would rewrite every other 4XX/5XX status.
        StatusCode: fallback ? Match.absent() : String(spec.statusCode),
        ResponseTemplates: { 'application/json': JSON.stringify({ error: spec.error, message: spec.message }) },
        ResponseParameters: {
          'gatewayresponse.header.Cache-Control': "'no-store'",
          ...Object.fromEntries(
            Object.entries(extraHeaders).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`]),
          ),
        },
      });
    }
  });

  it('gives every gateway response one JSON template and the API no binary media types', () => {
    // Whether API Gateway picks a Gateway Response template by Accept is not documented (docs/aws-behaviour.md):
    // one template, so every client, a browser too, gets the JSON answer. Without binaryMediaTypes a Lambda
    // proxy's text body (the confirmation page) reaches the client as it is.
    for (const response of Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))) {
      expect(Object.keys(response.Properties.ResponseTemplates)).toEqual(['application/json']);
    }
    for (const api of Object.values(template.findResources('AWS::ApiGateway::RestApi'))) {
      expect(api.Properties.BinaryMediaTypes).toBeUndefined();
    }
  });

  it('answers authorizer faults (both response types) 503 service_unavailable with Retry-After, denials 403 nonce_invalid', () => {
    // A thrown authorizer error, a timeout or an unusable result is AUTHORIZER_CONFIGURATION_ERROR on AWS.
    for (const type of ['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: '503',
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'2'" }),
        ResponseTemplates: {
          'application/json': Match.serializedJson({ error: 'service_unavailable', message: Match.anyValue() }),
        },
      });
    }
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '403',
      ResponseTemplates: {
        'application/json': Match.serializedJson({ error: 'nonce_invalid', message: NONCE_INVALID_MESSAGE }),
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseTemplates: {
        'application/json': Match.serializedJson({ error: 'invalid_request', message: Match.anyValue() }),
      },
    });
  });

  it('refuses a gateway response body that API Gateway would substitute into', () => {
    expect(() => gatewayResponseBody({ error: 'x', message: 'costs $context.requestId' })).toThrow(
      /must not contain "\$"/,
    );
  });
});

describe('the web ACL with the default context', () => {
  const { stack, template } = DEFAULT;
  const webAcl = () => {
    const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    return acls[0]?.Properties as { Rules: Rule[]; CustomResponseBodies: Record<string, { Content: string }> };
  };
  const rule = (name: string): Rule => {
    const found = webAcl().Rules.find((candidate) => candidate.Name === name);
    if (found === undefined) throw new Error(`no rule ${name}`);
    return found;
  };

  it('is a regional ACL that allows by default and has no allow list', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(webAcl().Rules.map((candidate) => candidate.Name)).toEqual([
      'RateLimitPerIp',
      'AccessObjectRequiresNonce',
      'AwsCommonRuleSet',
      'AwsKnownBadInputsRuleSet',
    ]);
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  it('limits each client IP to rateLimitPer5Min requests per 5 minutes, answering 429 throttled', () => {
    expect(rule('RateLimitPerIp')).toMatchObject({
      Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'throttled' } } },
    });
  });

  it('blocks /access-object without a nonce query argument, answering 401 unauthorized', () => {
    expect(rule('AccessObjectRequiresNonce')).toMatchObject({
      Statement: {
        AndStatement: {
          Statements: [
            {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'ENDS_WITH',
                SearchString: '/access-object',
              },
            },
            {
              NotStatement: {
                Statement: {
                  SizeConstraintStatement: {
                    FieldToMatch: { SingleQueryArgument: { Name: 'nonce' } },
                    ComparisonOperator: 'GT',
                    Size: 0,
                  },
                },
              },
            },
          ],
        },
      },
      Action: { Block: { CustomResponse: { ResponseCode: 401, CustomResponseBodyKey: 'unauthorized' } } },
    });
    // By path alone: GET and POST /access-object alike (no statement on the method).
    expect(JSON.stringify(rule('AccessObjectRequiresNonce'))).not.toMatch(/Method/);
  });

  it('answers its blocks in the service error shape', () => {
    const bodies = webAcl().CustomResponseBodies;
    expect(JSON.parse(bodies.unauthorized?.Content ?? '')).toEqual({
      error: GATEWAY_RESPONSES.UNAUTHORIZED.error,
      message: GATEWAY_RESPONSES.UNAUTHORIZED.message,
    });
    expect(JSON.parse(bodies.throttled?.Content ?? '')).toMatchObject({ error: 'throttled' });
    expect(JSON.parse(bodies.forbidden?.Content ?? '')).toMatchObject({ error: 'forbidden' });
  });

  it('scopes the managed rule groups by path only, so they inspect POST /access-object (and its body) too', () => {
    for (const name of ['AwsCommonRuleSet', 'AwsKnownBadInputsRuleSet']) {
      expect(JSON.stringify(rule(name).Statement)).not.toMatch(/Method/);
    }
  });

  it('runs the AWS common and known-bad-inputs rule groups on /access-object only, counting a missing User-Agent', () => {
    // Scoped down: IAM-signed producer bodies (keys with "../", "<" or "http://") never meet the body rules.
    const onTheConsumerRoute = {
      ByteMatchStatement: {
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: 'ENDS_WITH',
        SearchString: '/access-object',
        TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
      },
    };
    expect(rule('AwsCommonRuleSet')).toMatchObject({
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesCommonRuleSet',
          ScopeDownStatement: onTheConsumerRoute,
          // Consumer apps often send no User-Agent.
          RuleActionOverrides: [{ Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } }],
        },
      },
      OverrideAction: { None: {} },
    });
    expect(rule('AwsKnownBadInputsRuleSet')).toMatchObject({
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesKnownBadInputsRuleSet',
          ScopeDownStatement: onTheConsumerRoute,
        },
      },
      OverrideAction: { None: {} },
    });
    expect(rule('AwsKnownBadInputsRuleSet').Statement.ManagedRuleGroupStatement).not.toHaveProperty(
      'RuleActionOverrides',
    );
  });

  it('keeps no sampled requests, which would store live nonces', () => {
    for (const candidate of webAcl().Rules) expect(candidate.VisibilityConfig.SampledRequestsEnabled).toBe(false);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
    });
  });

  it('is associated with the API stage', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [logicalIdOf(stack.links.edge.webAcl), 'Arn'] },
      ResourceArn: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            { Ref: logicalIdOf(stack.links.api) },
            '/stages/',
            { Ref: logicalIdOf(stack.links.nonceApi.stage) },
          ]),
        ],
      },
    });
  });

  it('logs to an aws-waf-logs- group with retention, the query string and credentials redacted', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-Test',
      RetentionInDays: 90,
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.links.edge.webAcl), 'Arn'] },
      LogDestinationConfigs: [
        { 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: logicalIdOf(stack.links.edge.logGroup) }])] },
      ],
      RedactedFields: [
        { QueryString: {} },
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'x-amz-security-token' } },
      ],
    });
  });

  it('gives every log group of the stack a retention', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // Five functions, the access logs and the WAF logs.
    expect(groups).toHaveLength(7);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(90);
  });
});

describe('monitoring with the default context', () => {
  const { stack, template } = DEFAULT;
  const topic = logicalIdOf(stack.links.monitoring.topic);
  const alarms = () =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as AlarmProperties);
  const metricAlarm = (metricName: string, dimension: unknown) =>
    alarms().filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        (alarm.Dimensions ?? []).some((candidate) => JSON.stringify(candidate.Value) === JSON.stringify(dimension)),
    );

  it('raises thirteen alarms, each notifying the topic when it breaches, quiet without data', () => {
    // Guessing, API 5xx, DynamoDB throttles, and errors and throttles of each of the five functions.
    expect(alarms()).toHaveLength(3 + 2 * stack.links.functions.all().length);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('alarms on authorizer denials of malformed or unknown nonces: a spike means guessing', () => {
    const guessing = alarms().filter((alarm) =>
      alarm.Metrics?.some((metric) => metric.MetricStat?.Metric.MetricName === 'NonceDenied'),
    );
    expect(guessing).toHaveLength(1);
    expect(guessing[0]?.Threshold).toBe(50);
    const metrics = guessing[0]?.Metrics ?? [];
    expect(metrics.find((metric) => metric.Expression !== undefined)?.Expression).toBe('FILL(m0, 0) + FILL(m1, 0)');
    expect(
      metrics.filter((metric) => metric.MetricStat !== undefined).map((metric) => metric.MetricStat?.Metric),
    ).toEqual([
      {
        Namespace: 'PresignedUrlNonce',
        MetricName: 'NonceDenied',
        Dimensions: [
          { Name: 'reason', Value: 'malformed' },
          { Name: 'service', Value: 'presigned-url-nonce' },
        ],
      },
      {
        Namespace: 'PresignedUrlNonce',
        MetricName: 'NonceDenied',
        Dimensions: [
          { Name: 'reason', Value: 'unknown' },
          { Name: 'service', Value: 'presigned-url-nonce' },
        ],
      },
    ]);
  });

  it('names metrics as the functions emit them', () => {
    expect(POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(POWERTOOLS_SERVICE_NAME).toBe(SERVICE_NAME);
    expectTypeOf(GUESSING_DENIAL_REASONS[0]).toExtend<DenialReason>();
    expectTypeOf(GUESSING_DENIAL_REASONS[1]).toExtend<DenialReason>();
  });

  it('alarms on any API 5xx of the stage', () => {
    const found = alarms().filter((alarm) => alarm.MetricName === '5XXError');
    expect(found).toHaveLength(1);
    expect(found[0]?.Dimensions).toEqual([
      { Name: 'ApiName', Value: 'Test-api' },
      { Name: 'Stage', Value: { Ref: logicalIdOf(stack.links.nonceApi.stage) } },
    ]);
    expect(found[0]?.Threshold).toBe(1);
  });

  it('alarms on errors and throttles of each function', () => {
    for (const target of stack.links.functions.all()) {
      const name = { Ref: logicalIdOf(target.function) };
      expect(metricAlarm('Errors', name)).toHaveLength(1);
      expect(metricAlarm('Throttles', name)).toHaveLength(1);
    }
  });

  it('alarms on DynamoDB throttles of the four operations the functions use', () => {
    const found = alarms().filter((alarm) =>
      alarm.Metrics?.some((metric) => metric.MetricStat?.Metric.MetricName === 'ThrottledRequests'),
    );
    expect(found).toHaveLength(1);
    const operations = (found[0]?.Metrics ?? [])
      .flatMap((metric) => (metric.MetricStat?.Metric.Dimensions ?? []) as { Name: string; Value: unknown }[])
      .filter((dimension) => dimension.Name === 'Operation')
      .map((dimension) => dimension.Value);
    expect(operations.sort()).toEqual(['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem']);
  });

  it('encrypts the alarm topic with a rotated key CloudWatch may use, and requires TLS to it', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: {
        'Fn::GetAtt': [logicalIdOf(stack.links.monitoring.topic.masterKey ?? stack.links.monitoring.topic), 'Arn'],
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('subscribes no address by default', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('draws a dashboard and saves the nonce-history query over the access and function logs', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'Test/nonce-history',
      QueryString: Match.stringLikeRegexp(`filter nonceId = "${NONCE_ID_PLACEHOLDER}"`),
      LogGroupNames: [
        { Ref: logicalIdOf(stack.links.nonceApi.accessLogGroup) },
        ...stack.links.functions.all().map((target) => ({ Ref: logicalIdOf(target.logGroup) })),
      ],
    });
  });
});

describe('producer access without requireMfa', () => {
  const { stack, template } = DEFAULT;

  it('grants execute-api:Invoke on the producer routes of the stage, and nothing else', () => {
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'InvokeProducerRoutes',
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: producerInvokeArns(logicalIdOf(stack.links.api), 'prod'),
          },
        ],
      },
    });
  });

  it('outputs the policy ARN, the API URL and the bucket name', () => {
    template.hasOutput('ProducerPolicyArn', { Value: { Ref: logicalIdOf(stack.links.producerAccess.policy) } });
    template.hasOutput('BucketName', { Value: { Ref: logicalIdOf(stack.links.storage.bucket) } });
    template.hasOutput('ApiUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalIdOf(stack.links.api) }])] },
    });
    template.hasOutput('TableName', { Value: { Ref: logicalIdOf(stack.links.storage.table) } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalIdOf(stack.links.monitoring.topic) } });
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      ['AlarmTopicArn', 'ApiUrl', 'BucketName', 'ProducerPolicyArn', 'TableName'].sort(),
    );
  });
});

describe('cdk-nag acknowledgements', () => {
  const { app } = DEFAULT;
  const found = acknowledgements(app);

  it('are exactly the ones the README lists, each with a reason', () => {
    expect([...new Set(found.map((entry) => ruleOf(entry.id)))].sort()).toEqual(
      [
        'AwsSolutions-APIG6',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<bucket>/*]',
        'AwsSolutions-IAM5[Resource::<execute-api>/nonces/*]',
        'AwsSolutions-S1',
      ].sort(),
    );
    for (const entry of found) expect(entry.reason.length).toBeGreaterThan(60);
  });

  it('sit on the flagged resources, never on the stack, the construct or the app', () => {
    for (const entry of found) {
      expect(entry.path.split('/').length).toBeGreaterThan(4);
    }
    expect(found.map((entry) => entry.path).sort()).toEqual(
      [
        'Test/Default/Api/RestApi/CloudWatchRole/Resource',
        'Test/Default/Api/RestApi/DeploymentStage.prod/Resource',
        'Test/Default/Api/RestApi/Default/access-object/GET/Resource',
        'Test/Default/Api/RestApi/Default/access-object/POST/Resource',
        'Test/Default/Api/RestApi/Default/generate-url/POST/Resource',
        'Test/Default/Api/RestApi/Default/nonces/{nonceId}/DELETE/Resource',
        'Test/Default/Api/RestApi/Default/nonces/{nonceId}/GET/Resource',
        'Test/Default/Functions/AccessObject/Role/DefaultPolicy',
        'Test/Default/Functions/AccessObject/Role/DefaultPolicy',
        'Test/Default/Functions/GenerateUrl/Role/DefaultPolicy',
        'Test/Default/Functions/GenerateUrl/Role/DefaultPolicy',
        'Test/Default/Functions/ValidateNonce/Role/DefaultPolicy',
        'Test/Default/Functions/NonceStatus/Role/DefaultPolicy',
        'Test/Default/Functions/RevokeNonce/Role/DefaultPolicy',
        'Test/Default/ProducerAccess/Policy/Resource',
        'Test/Default/ProducerAccess/Policy/Resource',
        'Test/Default/Storage/AccessLogs/Resource',
      ].sort(),
    );
  });
});
