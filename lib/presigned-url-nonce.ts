/**
 * PresignedUrlNonce: the whole service as one construct, for an existing CDK app and stack —
 * `new PresignedUrlNonce(this, 'Links', { bucket })`. It composes one construct per concern (storage,
 * functions, API, WAF, monitoring, producer access) from validated props; the ready stack
 * (lib/presigned-url-nonce-stack.ts) is this construct plus context and outputs.
 */
import { Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ACCESS_OBJECT_PATH, NONCE_QUERY_PARAMETER, NonceApi, PRODUCER_ROUTES } from './api.js';
import { EdgeProtection } from './edge-protection.js';
import { NonceFunctions } from './functions.js';
import { Monitoring } from './monitoring.js';
import { OptionError, type PresignedUrlNonceOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { ProducerAccess } from './producer-access.js';
import { Storage } from './storage.js';

export interface PresignedUrlNonceProps extends PresignedUrlNonceOptions {
  /**
   * The bucket whose objects producers share. The construct adds the TLS-only, signature-age and (with an
   * allow list) presigned-GET allow-list denies to its policy, and the CORS rule for `allowedOrigins`, when
   * CDK can: a bucket created in this app. An imported bucket's policy cannot be changed: a synth warning
   * lists what to add yourself.
   * @default - a new private bucket (SSE-S3, TLS only, public access blocked, ACLs disabled, access logged to a second bucket)
   */
  readonly bucket?: s3.IBucket;
  /**
   * Notify this topic of every alarm instead of a topic the construct creates; CloudWatch must be allowed
   * to publish to it (and to use its key, if it is encrypted). Not together with `alarmEmail`.
   * @default - a new topic, encrypted with a KMS key of its own
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Prefix of the names the construct gives: the web ACL `<namePrefix>-api` and its log group
   * `aws-waf-logs-<namePrefix>` (both unique in a region: give each construct in one stack its own), the
   * REST API, the alarm topic's display name, the saved Logs Insights query.
   * @default - the stack's name
   */
  readonly namePrefix?: string;
}

export class PresignedUrlNonce extends Construct {
  /** The REST API: POST /generate-url, GET and POST /access-object, GET and DELETE /nonces/{nonceId}. */
  public readonly api: apigateway.RestApi;
  /** The stage's base URL: `POST <apiUrl>generate-url`, `GET <apiUrl>access-object?nonce=…`. */
  public readonly apiUrl: string;
  /** The nonce table (it holds only SHA-256 hashes of nonces). */
  public readonly table: dynamodb.Table;
  /** The bucket whose objects producers share: the one given, or the one created. */
  public readonly bucket: s3.IBucket;
  /** The managed policy a producer needs: `execute-api:Invoke` on the producer routes only. */
  public readonly producerPolicy: iam.ManagedPolicy;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** The CloudWatch dashboard: nonces, API responses, function errors, WAF and DynamoDB. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The validated options, defaults filled in. */
  public readonly options: ResolvedOptions;
  /** The prefix of the names it gives. */
  public readonly namePrefix: string;

  /** The parts, one per concern. */
  public readonly storage: Storage;
  public readonly functions: NonceFunctions;
  public readonly nonceApi: NonceApi;
  public readonly edge: EdgeProtection;
  public readonly monitoring: Monitoring;
  public readonly producerAccess: ProducerAccess;

  constructor(scope: Construct, id: string, props: PresignedUrlNonceProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.namePrefix = props.namePrefix ?? stack.stackName;
    const options = resolveOptions({ ...props, namePrefix: this.namePrefix }, 'props');
    this.options = options;
    const clash = stack.node
      .findAll()
      .find((other) => other !== this && other instanceof PresignedUrlNonce && other.namePrefix === this.namePrefix);
    if (clash !== undefined) {
      throw new OptionError(
        'props',
        'namePrefix',
        `"${this.namePrefix}" is already the name prefix of ${clash.node.path}: give each PresignedUrlNonce in a stack its own, as its web ACL's name must be unique in a region.`,
      );
    }
    const { removalPolicy, logRetentionDays: logRetention } = options;

    this.storage = new Storage(this, 'Storage', {
      removalPolicy,
      allowedOrigins: options.allowedOrigins,
      ...(props.bucket === undefined ? {} : { bucket: props.bucket }),
      presignTtlSeconds: options.presignTtlSeconds,
      accessLogExpirationDays: logRetention,
      allowedCidrs: options.allowedCidrs,
      allowedVpcEndpoints: options.allowedVpcEndpoints,
      ...(options.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: options.uploadKeyPrefix }),
    });

    this.functions = new NonceFunctions(this, 'Functions', {
      table: this.storage.table,
      bucket: this.storage.bucket,
      logRetention,
      removalPolicy,
      presignTtlSeconds: options.presignTtlSeconds,
      maxExpiresInSeconds: options.maxExpiresInSeconds,
      maxUsesLimit: options.maxUsesLimit,
      ...(options.publicBaseUrl === undefined ? {} : { publicBaseUrl: options.publicBaseUrl }),
      producerKeyPrefixes: options.producerKeyPrefixes,
      ...(options.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: options.uploadKeyPrefix }),
    });

    this.nonceApi = new NonceApi(this, 'Api', {
      functions: this.functions,
      stageName: options.stageName,
      throttlingRateLimit: options.throttlingRateLimit,
      throttlingBurstLimit: options.throttlingBurstLimit,
      consumerThrottlingRateLimit: options.consumerThrottlingRateLimit,
      consumerThrottlingBurstLimit: options.consumerThrottlingBurstLimit,
      apiLogLevel: options.apiLogLevel,
      logRetention,
      removalPolicy,
      manageCloudWatchRole: options.apiGatewayCloudWatchRole,
      namePrefix: this.namePrefix,
    });

    this.edge = new EdgeProtection(this, 'EdgeProtection', {
      stage: this.nonceApi.stage,
      rateLimitPer5Min: options.rateLimitPer5Min,
      allowedCidrs: options.allowedCidrs,
      nonceQueryParameter: NONCE_QUERY_PARAMETER,
      consumerPath: ACCESS_OBJECT_PATH,
      logRetention,
      removalPolicy,
      namePrefix: this.namePrefix,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: this.nonceApi.stage,
      table: this.storage.table,
      functions: {
        GenerateUrl: this.functions.generateUrl,
        ValidateNonce: this.functions.validateNonce,
        AccessObject: this.functions.accessObject,
        NonceStatus: this.functions.nonceStatus,
        RevokeNonce: this.functions.revokeNonce,
      },
      accessLogGroup: this.nonceApi.accessLogGroup,
      webAclName: this.edge.webAclName,
      webAclMetricName: this.edge.metricNames.rateLimit,
      denialAlarmThreshold: options.denialAlarmThreshold,
      ...(options.alarmEmail === undefined ? {} : { alarmEmail: options.alarmEmail }),
      ...(props.alarmTopic === undefined ? {} : { topic: props.alarmTopic }),
      removalPolicy,
      namePrefix: this.namePrefix,
    });

    this.producerAccess = new ProducerAccess(this, 'ProducerAccess', {
      api: this.nonceApi.api,
      stageName: options.stageName,
      routes: PRODUCER_ROUTES,
      requireMfa: options.requireMfa,
    });

    this.api = this.nonceApi.api;
    this.apiUrl = this.api.url;
    this.table = this.storage.table;
    this.bucket = this.storage.bucket;
    this.producerPolicy = this.producerAccess.policy;
    this.alarmTopic = this.monitoring.topic;
    this.dashboard = this.monitoring.dashboard;
  }

  /**
   * Lets a producer call the producer routes (POST /generate-url, GET and DELETE /nonces/{nonceId}) with
   * SigV4: attaches `producerPolicy` (`execute-api:Invoke` on those routes of this stage only, with MFA when
   * `requireMfa`) to the grantee's role, user or group — a Lambda function's or an ECS task's role too.
   */
  public grantProduce(grantee: iam.IGrantable): void {
    this.producerAccess.grant(grantee);
  }
}
