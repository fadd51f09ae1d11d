/**
 * The REST API: POST /generate-url for producers (AWS_IAM), GET and POST /access-object for consumers behind the
 * nonce authorizer, API Gateway's own answers in the service's JSON error shape, JSON access logs that
 * never hold the query string (the nonce travels there), execution logs without data tracing, stage
 * throttling, and no X-Ray on the stage.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NonceFunction, NonceFunctions } from './functions.js';
import { GATEWAY_RESPONSES, type GatewayResponseSpec } from './gateway-responses.js';
import { acknowledge } from './nag.js';
import type { ApiLogLevel } from './options.js';

/** A route a producer may call with SigV4; the producer policy grants exactly these. */
export interface ProducerRoute {
  readonly method: string;
  readonly path: string;
}

export const PRODUCER_ROUTES: readonly ProducerRoute[] = [
  { method: 'POST', path: '/generate-url' },
  // `*` stands for the {nonceId} path segment in an execute-api ARN.
  { method: 'GET', path: '/nonces/*' },
  { method: 'DELETE', path: '/nonces/*' },
];

/** The consumer route's path segment. */
export const ACCESS_OBJECT_PATH = 'access-object';

/** The consumer route's methods: GET (a redirect, or a confirmation page) and POST (always a redemption). */
export const CONSUMER_METHODS = ['GET', 'POST'] as const;

/** The query parameter that carries the nonce: the authorizer's identity source. */
export const NONCE_QUERY_PARAMETER = 'nonce';

// The limits of lambda/handlers/generate-url-request.ts (MAX_KEY_BYTES, MAX_DISPOSITION_LENGTH). lib/ may not
// import lambda/, so a test holds the two equal.
export const KEY_MAX_LENGTH = 1024;
export const DISPOSITION_MAX_LENGTH = 512;
/** Printable ASCII only: what S3 can echo as a header (PRINTABLE_ASCII there; a test holds them equal). */
export const DISPOSITION_PATTERN = '^[\\x20-\\x7e]*$';

/**
 * The POST /generate-url body, as a JSON-schema model. Defence in depth only: the Lambda still checks
 * everything (UTF-8 byte lengths, control characters, upper bounds from its environment). On AWS a body
 * that fails this model gets the BAD_REQUEST_BODY answer (400 invalid_request) before the Lambda runs.
 */
export const GENERATE_URL_REQUEST_SCHEMA: apigateway.JsonSchema = {
  schema: apigateway.JsonSchemaVersion.DRAFT4,
  title: 'GenerateUrlRequest',
  type: apigateway.JsonSchemaType.OBJECT,
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: KEY_MAX_LENGTH },
    expiresInSeconds: { type: apigateway.JsonSchemaType.INTEGER, minimum: 1 },
    maxUses: { type: apigateway.JsonSchemaType.INTEGER, minimum: 1 },
    responseContentDisposition: {
      type: apigateway.JsonSchemaType.STRING,
      maxLength: DISPOSITION_MAX_LENGTH,
      pattern: DISPOSITION_PATTERN,
    },
    confirm: { type: apigateway.JsonSchemaType.BOOLEAN },
  },
};

const PRODUCER_COG4_REASON =
  'Producers are applications that sign with their IAM credentials (AWS_IAM, SigV4); there are no end users and no Cognito user pool.';

const F = apigateway.AccessLogField;

/**
 * The access log line. Deliberately absent: `$context.path` with the query string, request overrides,
 * any `$input` or `$method.request` value — the nonce is in the query string. The authorizer's nonceId
 * (the nonce's SHA-256, safe to log) ties a redemption to the Logs Insights "nonce history" query.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: F.contextRequestId(),
  extendedRequestId: F.contextExtendedRequestId(),
  requestTime: F.contextRequestTime(),
  sourceIp: F.contextIdentitySourceIp(),
  userAgent: F.contextIdentityUserAgent(),
  caller: F.contextIdentityCaller(),
  userArn: F.contextIdentityUserArn(),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseType: F.contextErrorResponseType(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  integrationLatency: F.contextIntegrationLatency(),
  authorizerStatus: F.contextAuthorizerStatus(),
  authorizerLatency: F.contextAuthorizerLatency(),
  nonceId: F.contextAuthorizer('nonceId'),
  wafResponseCode: F.contextWafResponseCode(),
  xrayTraceId: F.contextXrayTraceId(),
} as const;

/** Header values in a Gateway Response are mapping expressions: a literal must be single-quoted. */
export const quoteHeaderValue = (value: string): string => `'${value}'`;

/**
 * A Gateway Response body. API Gateway does not run these templates through VTL (only simple `$…`
 * substitution), so the body must be plain JSON without `$`: no per-route branching is possible.
 */
export const gatewayResponseBody = (spec: Pick<GatewayResponseSpec, 'error' | 'message'>): string => {
  const body = JSON.stringify({ error: spec.error, message: spec.message });
  if (body.includes('$')) throw new Error(`Gateway response "${spec.error}" must not contain "$": ${body}`);
  return body;
};

/**
 * DEFAULT_4XX and DEFAULT_5XX are fallbacks: giving them a status code would rewrite the status of every
 * other 4XX/5XX response without its own entry (a 404 or a 429 would become a 400). They keep the body.
 */
const FALLBACK_TYPES: ReadonlySet<string> = new Set(['DEFAULT_4XX', 'DEFAULT_5XX']);

export interface NonceApiProps {
  readonly functions: NonceFunctions;
  readonly stageName: string;
  /** Each producer method's limits: the stage's default method throttling. */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** GET and POST /access-object's own limits (each method its own bucket), so consumers cannot exhaust the producers'. */
  readonly consumerThrottlingRateLimit: number;
  readonly consumerThrottlingBurstLimit: number;
  readonly apiLogLevel: ApiLogLevel;
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Set the region's API Gateway CloudWatch Logs role from this stack. It is one setting per account and
   * region; turn it off when the account already has one.
   * @default true
   */
  readonly manageCloudWatchRole?: boolean;
  /** The REST API is named `<namePrefix>-api`. */
  readonly namePrefix: string;
}

export class NonceApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly stage: apigateway.Stage;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly authorizer: apigateway.RequestAuthorizer;
  public readonly generateUrlMethod: apigateway.Method;
  public readonly accessObjectMethod: apigateway.Method;
  /** POST /access-object: takes a use of any nonce, the only way to take one of a `confirm` nonce. */
  public readonly redeemObjectMethod: apigateway.Method;
  public readonly nonceStatusMethod: apigateway.Method;
  public readonly revokeNonceMethod: apigateway.Method;

  constructor(scope: Construct, id: string, props: NonceApiProps) {
    super(scope, id);
    const { functions } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const manageCloudWatchRole = props.manageCloudWatchRole ?? true;

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy,
    });

    const loggingLevel =
      props.apiLogLevel === 'ERROR' ? apigateway.MethodLoggingLevel.ERROR : apigateway.MethodLoggingLevel.OFF;
    this.api = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `${props.namePrefix}-api`,
      description: 'presigned-url-nonce: one-time, expiring, revocable access to private S3 objects',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: manageCloudWatchRole,
      // The role is the account's setting for every API in the region: deleting this stack must not
      // take logging away from them.
      ...(manageCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // OFF by default, ERROR on request, INFO never (lib/context.ts says why).
        loggingLevel,
        // Never: data tracing logs whole requests, query string included, and so every nonce redeemed.
        dataTraceEnabled: false,
        metricsEnabled: true,
        // Off: API Gateway's trace segment records the request URL, and AWS does not document that it leaves
        // out the query string, so sampled GET /access-object?nonce=… would keep live nonces in X-Ray. The
        // functions keep active tracing, whose segments carry no event data (docs/aws-behaviour.md).
        tracingEnabled: false,
        // The stage's default method throttling: every method gets a bucket of these sizes of its own
        // ("applied at the API method level"), so these are each producer method's limits.
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
        // The consumer route's own limits, set apart so that they can differ from the producers'. The
        // method setting repeats the stage's logging and metrics so that overriding throttling changes
        // nothing else for this method. Each method has a bucket of its own: GET and POST each get these.
        methodOptions: Object.fromEntries(
          CONSUMER_METHODS.map((method) => [
            `/${ACCESS_OBJECT_PATH}/${method}`,
            {
              throttlingRateLimit: props.consumerThrottlingRateLimit,
              throttlingBurstLimit: props.consumerThrottlingBurstLimit,
              loggingLevel,
              dataTraceEnabled: false,
              metricsEnabled: true,
            },
          ]),
        ),
      },
    });
    this.stage = this.api.deploymentStage;
    if (props.apiLogLevel === 'OFF') {
      acknowledge(
        this.stage.node.defaultChild ?? this.stage,
        'AwsSolutions-APIG6',
        'Execution logging is off by default: AWS documents that execution logs record request parameter values and Lambda authorizer input, and the nonce is a query parameter; the JSON access log (every request, without the query string) and the detailed metrics stay on. -c apiLogLevel=ERROR turns it on.',
      );
    }
    // RestApi adds an output with a hashed name; the stack outputs the same URL as "ApiUrl".
    this.api.node.tryRemoveChild('Endpoint');

    if (manageCloudWatchRole) {
      const role = this.api.node.findChild('CloudWatchRole');
      acknowledge(
        role.node.findChild('Resource'),
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The account-level role API Gateway uses to write execution and access logs; AWS documents this managed policy for it, and it is not attached to any function.',
      );
    }

    this.addGatewayResponses();

    // POST /generate-url: producers, SigV4-signed, the body checked against the model first.
    const model = this.api.addModel('GenerateUrlRequest', {
      modelName: 'GenerateUrlRequest',
      contentType: 'application/json',
      description: 'The POST /generate-url body (the Lambda validates it fully; this is defence in depth)',
      schema: GENERATE_URL_REQUEST_SCHEMA,
    });
    // Parameters too: POST /generate-url declares none as required, so this costs nothing and keeps the
    // validator complete should a required parameter ever be added.
    const requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.generateUrlMethod = this.api.root
      .addResource('generate-url')
      .addMethod('POST', new apigateway.LambdaIntegration(functions.generateUrl.function, { allowTestInvoke: false }), {
        authorizationType: apigateway.AuthorizationType.IAM,
        requestValidator,
        requestModels: { 'application/json': model },
      });
    acknowledge(this.generateUrlMethod.node.findChild('Resource'), 'AwsSolutions-COG4', PRODUCER_COG4_REASON);

    // GET and POST /access-object: consumers present a nonce; the authorizer reads it on every request. POST
    // takes a use of any nonce; GET of a `confirm` nonce only shows a page (AccessObject decides). No model
    // or request validator: the body is ignored, and AccessObject refuses anything but an empty or form body.
    this.authorizer = new apigateway.RequestAuthorizer(this, 'NonceAuthorizer', {
      authorizerName: 'nonce',
      handler: functions.validateNonce.function,
      identitySources: [apigateway.IdentitySource.queryString(NONCE_QUERY_PARAMETER)],
      // 0: a cached Allow would let a spent nonce through again until the cache expired (the original
      // sample's 300 s replay window). Every request reaches the authorizer and the table.
      resultsCacheTtl: Duration.seconds(0),
    });
    const accessObject = this.api.root.addResource(ACCESS_OBJECT_PATH);
    const consumerMethod = (method: (typeof CONSUMER_METHODS)[number]): apigateway.Method => {
      const added = accessObject.addMethod(
        method,
        new apigateway.LambdaIntegration(functions.accessObject.function, { allowTestInvoke: false }),
        { authorizer: this.authorizer, authorizationType: apigateway.AuthorizationType.CUSTOM },
      );
      acknowledge(
        added.node.findChild('Resource'),
        'AwsSolutions-COG4',
        'Consumers hold no identity at all: the nonce is the credential, checked by the REQUEST authorizer (cache TTL 0) on every call.',
      );
      return added;
    };
    this.accessObjectMethod = consumerMethod('GET');
    this.redeemObjectMethod = consumerMethod('POST');

    // GET and DELETE /nonces/{nonceId}: producers again, SigV4-signed; the handlers answer 404 to anyone but
    // the nonce's creator, whose ARN API Gateway hands them from the signature.
    const nonce = this.api.root.addResource('nonces').addResource('{nonceId}');
    const managementMethod = (method: 'GET' | 'DELETE', target: NonceFunction): apigateway.Method => {
      const added = nonce.addMethod(
        method,
        new apigateway.LambdaIntegration(target.function, { allowTestInvoke: false }),
        {
          authorizationType: apigateway.AuthorizationType.IAM,
          requestValidator,
          requestParameters: { 'method.request.path.nonceId': true },
        },
      );
      acknowledge(added.node.findChild('Resource'), 'AwsSolutions-COG4', PRODUCER_COG4_REASON);
      return added;
    };
    this.nonceStatusMethod = managementMethod('GET', functions.nonceStatus);
    this.revokeNonceMethod = managementMethod('DELETE', functions.revokeNonce);
  }

  /** API Gateway's own answers, from lib/gateway-responses.ts (the same data local mode answers from). */
  private addGatewayResponses(): void {
    for (const spec of Object.values(GATEWAY_RESPONSES) as GatewayResponseSpec[]) {
      const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...spec.headers };
      this.api.addGatewayResponse(spec.type, {
        type: apigateway.ResponseType.of(spec.type),
        ...(FALLBACK_TYPES.has(spec.type) ? {} : { statusCode: String(spec.statusCode) }),
        responseHeaders: Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [name, quoteHeaderValue(value)]),
        ),
        templates: { 'application/json': gatewayResponseBody(spec) },
      });
    }
  }
}
