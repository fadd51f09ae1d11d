/**
 * The stack only wires the constructs, each of which owns one concern, from the validated context.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ACCESS_OBJECT_PATH, NONCE_QUERY_PARAMETER, NonceApi, PRODUCER_ROUTES } from './api.js';
import { type StackSettings, settingsFromContext } from './context.js';
import { EdgeProtection } from './edge-protection.js';
import { NonceFunctions } from './functions.js';
import { Monitoring } from './monitoring.js';
import { ProducerAccess } from './producer-access.js';
import { Storage } from './storage.js';

export interface PresignedUrlNonceStackProps extends StackProps {
  /** @default - read from CDK context (cdk.json and `-c key=value`), validated */
  readonly settings?: StackSettings;
}

export class PresignedUrlNonceStack extends Stack {
  public readonly settings: StackSettings;
  public readonly storage: Storage;
  public readonly functions: NonceFunctions;
  public readonly api: NonceApi;
  public readonly edge: EdgeProtection;
  public readonly monitoring: Monitoring;
  public readonly producerAccess: ProducerAccess;

  constructor(scope: Construct, id: string, props: PresignedUrlNonceStackProps = {}) {
    super(scope, id, {
      description: 'presigned-url-nonce: one-time, expiring, revocable access to private S3 objects',
      ...props,
    });
    const settings = props.settings ?? settingsFromContext(this.node);
    this.settings = settings;
    const removalPolicy = settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    // Validated against CloudWatch's allowed values in lib/context.ts.
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    this.storage = new Storage(this, 'Storage', {
      removalPolicy,
      allowedOrigins: settings.allowedOrigins,
      ...(settings.existingBucketName === undefined ? {} : { existingBucketName: settings.existingBucketName }),
      presignTtlSeconds: settings.presignTtlSeconds,
      accessLogExpirationDays: settings.logRetentionDays,
      allowedCidrs: settings.allowedCidrs,
      allowedVpcEndpoints: settings.allowedVpcEndpoints,
      ...(settings.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: settings.uploadKeyPrefix }),
    });

    this.functions = new NonceFunctions(this, 'Functions', {
      table: this.storage.table,
      bucket: this.storage.bucket,
      logRetention,
      removalPolicy,
      presignTtlSeconds: settings.presignTtlSeconds,
      maxExpiresInSeconds: settings.maxExpiresInSeconds,
      maxUsesLimit: settings.maxUsesLimit,
      ...(settings.publicBaseUrl === undefined ? {} : { publicBaseUrl: settings.publicBaseUrl }),
      producerKeyPrefixes: settings.producerKeyPrefixes,
      ...(settings.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: settings.uploadKeyPrefix }),
    });

    this.api = new NonceApi(this, 'Api', {
      functions: this.functions,
      stageName: settings.stageName,
      throttlingRateLimit: settings.throttlingRateLimit,
      throttlingBurstLimit: settings.throttlingBurstLimit,
      consumerThrottlingRateLimit: settings.consumerThrottlingRateLimit,
      consumerThrottlingBurstLimit: settings.consumerThrottlingBurstLimit,
      apiLogLevel: settings.apiLogLevel,
      logRetention,
      removalPolicy,
      manageCloudWatchRole: settings.apiGatewayCloudWatchRole,
    });

    this.edge = new EdgeProtection(this, 'EdgeProtection', {
      stage: this.api.stage,
      rateLimitPer5Min: settings.rateLimitPer5Min,
      allowedCidrs: settings.allowedCidrs,
      nonceQueryParameter: NONCE_QUERY_PARAMETER,
      consumerPath: ACCESS_OBJECT_PATH,
      logRetention,
      removalPolicy,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: this.api.stage,
      table: this.storage.table,
      functions: {
        GenerateUrl: this.functions.generateUrl,
        ValidateNonce: this.functions.validateNonce,
        AccessObject: this.functions.accessObject,
        NonceStatus: this.functions.nonceStatus,
        RevokeNonce: this.functions.revokeNonce,
      },
      accessLogGroup: this.api.accessLogGroup,
      webAclName: this.edge.webAclName,
      webAclMetricName: this.edge.metricNames.rateLimit,
      denialAlarmThreshold: settings.denialAlarmThreshold,
      ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
      removalPolicy,
    });

    this.producerAccess = new ProducerAccess(this, 'ProducerAccess', {
      api: this.api.api,
      stageName: settings.stageName,
      routes: PRODUCER_ROUTES,
      requireMfa: settings.requireMfa,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API stage: POST <ApiUrl>generate-url (SigV4), GET <ApiUrl>access-object?nonce=…',
      value: this.api.api.url,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'The bucket whose objects producers can share (upload them here)',
      value: this.storage.bucket.bucketName,
    });
    new CfnOutput(this, 'ProducerPolicyArn', {
      description: "Attach to a producer application's role or user to let it call the producer routes",
      value: this.producerAccess.policy.managedPolicyArn,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The nonce table (items hold only nonce hashes)',
      value: this.storage.table.tableName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe here (or set -c alarmEmail=…) to receive the alarms',
      value: this.monitoring.topic.topicArn,
    });
  }
}
