/**
 * The nonce table and the object bucket (with its access-logs bucket).
 *
 * Encryption uses AWS-managed keys on purpose: the table uses the `aws/dynamodb` key and the buckets SSE-S3.
 * With a customer managed key every function would also need kms:Decrypt/kms:GenerateDataKey, which is
 * more than DESIGN invariant 9 allows, and S3 server access logs can only be delivered to SSE-S3 buckets.
 */
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface StorageProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Browser origins allowed to GET presigned URLs (S3 CORS). @default - no CORS rule */
  readonly allowedOrigins?: readonly string[];
  /**
   * Front this bucket instead of creating one. The statements below are added to its policy when CDK can
   * (a Bucket of this app); an imported bucket's policy cannot be changed, and a warning says so.
   * @default - a new bucket, with an access-logs bucket
   */
  readonly bucket?: s3.IBucket;
  /** The presigned URLs' life; the bucket denies GETs signed longer ago than this. */
  readonly presignTtlSeconds: number;
  /** Expiry of the server access logs, in days. */
  readonly accessLogExpirationDays: number;
  /**
   * Presigned GETs are refused unless they come from these addresses (`aws:SourceIp`)…
   * @default - no address restriction
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * …or through these VPC endpoints (`aws:SourceVpce`). With neither, presigned GETs work from anywhere.
   * @default - no endpoint restriction
   */
  readonly allowedVpcEndpoints?: readonly string[];
  /**
   * Upload nonces put objects under this prefix with presigned POSTs: the signature-age and allow-list
   * denies cover `s3:PutObject` there too, and with `allowedOrigins` the CORS rule allows POST.
   * @default - uploads disabled
   */
  readonly uploadKeyPrefix?: string;
}

/** The presigned-request age limit, as the bucket policy states it (s3:signatureAge is in milliseconds). */
export const signatureAgeLimitMs = (presignTtlSeconds: number): number => presignTtlSeconds * 1000;

/**
 * The condition of the deny that keeps presigned GETs (`s3:authType` REST-QUERY-STRING), or presigned
 * POST uploads (`POST`), to the allow list, or undefined without one. Conditions of one statement must all hold, so the deny applies when the request
 * is presigned AND its public address is outside `cidrs` AND it did not come through one of `endpoints`. A
 * request through a VPC endpoint has no `aws:SourceIp`, and a request from the internet no
 * `aws:SourceVpce`; a negated operator (NotIpAddress, StringNotEquals) is true for an absent key, so each
 * path is denied unless the other list lets it through.
 */
export const presignedAllowListCondition = (
  cidrs: readonly string[],
  endpoints: readonly string[],
  authType: 'REST-QUERY-STRING' | 'POST' = 'REST-QUERY-STRING',
): Record<string, Record<string, unknown>> | undefined => {
  if (cidrs.length === 0 && endpoints.length === 0) return undefined;
  return {
    StringEquals: { 's3:authType': authType },
    ...(cidrs.length === 0 ? {} : { NotIpAddress: { 'aws:SourceIp': [...cidrs] } }),
    ...(endpoints.length === 0 ? {} : { StringNotEquals: { 'aws:SourceVpce': [...endpoints] } }),
  };
};

export class Storage extends Construct {
  public readonly table: dynamodb.Table;
  public readonly bucket: s3.IBucket;
  /** Undefined when the stack fronts an existing bucket (its logging is the owner's business). */
  public readonly accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    // Server access logs reach the logs bucket through its bucket policy, never an ACL: ACLs are disabled on
    // both buckets (DESIGN invariant 10). Set here, for this construct's buckets only, so that it holds in an
    // app whose cdk.json predates the flag; CDK would otherwise fall back to the LogDeliveryWrite ACL and refuse.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.table = new dynamodb.Table(this, 'Nonces', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // TTL only cleans up (it can lag by days); every read and every condition checks expiry itself.
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    if (props.bucket !== undefined) {
      this.bucket = props.bucket;
      this.frontExistingBucket(props.bucket, props);
      return;
    }

    const accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
    acknowledge(
      accessLogsBucket.node.findChild('Resource'),
      'AwsSolutions-S1',
      'This is the server access logs bucket; logging it into itself would loop and logging it elsewhere would need a third bucket with the same problem.',
    );
    this.accessLogsBucket = accessLogsBucket;

    const allowedOrigins = props.allowedOrigins ?? [];
    const bucket = new s3.Bucket(this, 'Objects', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // ACLs disabled: the bucket policy and IAM are the only access paths.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'objects/',
      ...(allowedOrigins.length === 0 ? {} : { cors: [corsRule(allowedOrigins, props.uploadKeyPrefix)] }),
      removalPolicy,
    });

    addObjectPolicies(bucket, props);
    this.bucket = bucket;
  }

  /**
   * A bucket of the user's: the policy statements this service relies on, TLS-only included (the stack's
   * own bucket has it from enforceSSL), and the CORS rule for allowedOrigins, where CDK can add them.
   */
  private frontExistingBucket(bucket: s3.IBucket, props: StorageProps): void {
    const tlsOnly = new iam.PolicyStatement({
      sid: 'DenyInsecureTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:*'],
      resources: [bucket.bucketArn, bucket.arnForObjects('*')],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    // Both report false for an imported bucket: CDK cannot change its policy and drops the statements.
    const tlsAdded = bucket.addToResourcePolicy(tlsOnly).statementAdded;
    const added = addObjectPolicies(bucket, props) && tlsAdded;
    const allowedOrigins = props.allowedOrigins ?? [];
    // A Bucket of this app takes CORS rules; an imported one cannot (duck-typed: an app may hold two copies of aws-cdk-lib).
    const cors = bucket as Partial<Pick<s3.Bucket, 'addCorsRule'>>;
    const corsAdded = allowedOrigins.length === 0 || typeof cors.addCorsRule === 'function';
    if (allowedOrigins.length > 0) cors.addCorsRule?.(corsRule(allowedOrigins, props.uploadKeyPrefix));
    if (added && corsAdded) return;
    const allowList = presignedAllowListCondition(props.allowedCidrs ?? [], props.allowedVpcEndpoints ?? []);
    const uploads =
      props.uploadKeyPrefix === undefined ? '' : `, for s3:PutObject under "${props.uploadKeyPrefix}" too`;
    const allowListDenies =
      props.uploadKeyPrefix === undefined
        ? ' and the presigned-GET allow-list deny'
        : ' and the presigned-GET and POST-upload allow-list denies';
    const missing = [
      ...(added
        ? []
        : [
            `the TLS-only and s3:signatureAge (> ${signatureAgeLimitMs(props.presignTtlSeconds)} ms${uploads}) deny statements` +
              (allowList === undefined ? '' : allowListDenies) +
              ' to its bucket policy',
          ]),
      ...(corsAdded ? [] : [`a CORS rule for ${allowedOrigins.join(', ')}`]),
    ];
    Annotations.of(this).addWarningV2(
      EXISTING_BUCKET_WARNING,
      `Fronting the existing bucket "${bucket.bucketName}", whose policy this app cannot change: add ` +
        `${missing.join(', and ')} yourself (docs/infrastructure.md, "Using an existing bucket").`,
    );
  }
}

/** The id of the warning about an imported bucket, for `Annotations.of(…).acknowledgeWarning` once handled. */
export const EXISTING_BUCKET_WARNING = 'presigned-url-nonce:existingBucketPolicy';

/**
 * Only what a browser needs to download through a presigned GET, and, with uploads, to send a presigned
 * POST's form and read S3's answer (a multipart form needs no preflight).
 */
const corsRule = (allowedOrigins: readonly string[], uploadKeyPrefix: string | undefined): s3.CorsRule => ({
  allowedMethods: [
    s3.HttpMethods.GET,
    s3.HttpMethods.HEAD,
    ...(uploadKeyPrefix === undefined ? [] : [s3.HttpMethods.POST]),
  ],
  allowedOrigins: [...allowedOrigins],
  allowedHeaders: ['Range'],
  exposedHeaders: ['Content-Disposition', 'Content-Length', 'Content-Type', 'ETag'],
  maxAge: 600,
});

/**
 * The object bucket's deny statements; false when the bucket's policy cannot take them (an imported bucket).
 *
 * DESIGN invariant 6: a presigned GET is refused once its signature is older than the presign window,
 * whatever expiry was written into the URL. Requests signed in headers are milliseconds old, so
 * GenerateURL's HeadObject is unaffected. With an allow list, a presigned URL handed to an allowed consumer
 * does not work from anywhere else for its life: WAF keeps other addresses off the API, and this keeps
 * them off the object.
 */
const addObjectPolicies = (bucket: s3.IBucket, props: StorageProps): boolean => {
  const signatureAge = bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGetsSignedLongerAgoThanThePresignWindow',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { NumericGreaterThan: { 's3:signatureAge': signatureAgeLimitMs(props.presignTtlSeconds) } },
    }),
  );
  const allowList = presignedAllowListCondition(props.allowedCidrs ?? [], props.allowedVpcEndpoints ?? []);
  const allowListAdded =
    allowList === undefined ||
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyPresignedGetsFromOutsideTheAllowList',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: allowList,
      }),
    ).statementAdded;
  const uploadsAdded = props.uploadKeyPrefix === undefined || addUploadPolicies(bucket, props, props.uploadKeyPrefix);
  return signatureAge.statementAdded && allowListAdded && uploadsAdded;
};

/**
 * The upload prefix's two denies. AWS documents s3:signatureAge for presigned POSTs as well as presigned
 * URLs (docs/aws-behaviour.md): a POST policy signed longer ago than the presign window is refused,
 * whatever expiration it states. With an allow list, presigned POSTs (`s3:authType` POST) come only from
 * it, as presigned GETs do. Header-signed PutObject (a producer's `aws s3 cp`) is neither: it is
 * milliseconds old and not POST. False when the bucket's policy cannot take them.
 */
const addUploadPolicies = (bucket: s3.IBucket, props: StorageProps, prefix: string): boolean => {
  const stale = bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyUploadsSignedLongerAgoThanThePresignWindow',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
      conditions: { NumericGreaterThan: { 's3:signatureAge': signatureAgeLimitMs(props.presignTtlSeconds) } },
    }),
  );
  const allowList = presignedAllowListCondition(props.allowedCidrs ?? [], props.allowedVpcEndpoints ?? [], 'POST');
  if (allowList === undefined) return stale.statementAdded;
  const foreign = bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyPresignedUploadsFromOutsideTheAllowList',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
      conditions: allowList,
    }),
  );
  return stale.statementAdded && foreign.statementAdded;
};
