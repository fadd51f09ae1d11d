/**
 * The three Lambda functions. One construct fixes the defaults they share (runtime, architecture,
 * bundling, log group, role without managed policies, tracing); another wires each to exactly the table
 * and bucket actions of DESIGN invariant 9, and sets each environment variable next to the grant that
 * makes it usable, so a function never knows a resource it may not touch.
 */
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BucketGrants, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, iam5ResourceFinding } from './nag.js';

/** The handler modules' file names: lambda/handlers/<name>.ts, and dist/lambda/<name>/index.mjs in the package. */
export const HANDLER_FILES = {
  generateUrl: 'generate-url',
  validateNonce: 'validate-nonce',
  accessObject: 'access-object',
  nonceStatus: 'nonce-status',
  revokeNonce: 'revoke-nonce',
} as const;

export type HandlerName = keyof typeof HANDLER_FILES;

const byHandler = <T>(value: (file: string) => T): Record<HandlerName, T> =>
  Object.fromEntries(Object.entries(HANDLER_FILES).map(([name, file]) => [name, value(file)])) as Record<
    HandlerName,
    T
  >;

/**
 * The deployed entry files: the very modules local mode loads (a test asserts it). lib/ names them and
 * never imports them: the CDK app must not load runtime code, and the runtime must not load CDK.
 */
export const HANDLER_ENTRIES = byHandler((file) =>
  fileURLToPath(new URL(`../lambda/handlers/${file}.ts`, import.meta.url)),
);

/**
 * Set to true by the package build (scripts/build-package.ts, an esbuild `define`) when it compiles the
 * construct into dist/cdk.js. The functions then use the bundles the same build wrote to dist/lambda/,
 * so an app that installs the package synthesizes without esbuild, tsx or our TypeScript sources. From
 * source (this repository's `cdk synth`, the tests) it is undefined and NodejsFunction bundles.
 */
declare const PRESIGNED_URL_NONCE_PREBUILT_HANDLERS: boolean | undefined;

/** The directory of a prebuilt bundle, beside the compiled construct (dist/cdk.js → dist/lambda/<name>). */
export const PREBUILT_HANDLER_DIRS = byHandler((file) => `lambda/${file}`);

/** A handler's prebuilt bundle when the construct runs from the package; undefined from source. */
const prebuiltCode = (name: HandlerName): lambda.Code | undefined =>
  typeof PRESIGNED_URL_NONCE_PREBUILT_HANDLERS !== 'undefined' && PRESIGNED_URL_NONCE_PREBUILT_HANDLERS
    ? lambda.Code.fromAsset(fileURLToPath(new URL(`./${PREBUILT_HANDLER_DIRS[name]}`, import.meta.url)))
    : undefined;

/** The newest Node.js runtime aws-cdk-lib offers; cdk-nag's AwsSolutions-L1 checks it stays so. */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;

export const POWERTOOLS_SERVICE_NAME = 'presigned-url-nonce';
export const POWERTOOLS_METRICS_NAMESPACE = 'PresignedUrlNonce';

/**
 * What @aws-sdk/credential-provider-node's default chain loads with a dynamic import() after fromEnv
 * fails: SSO, shared ini files, credential_process, web identity tokens, container and instance
 * metadata. The Lambda runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so
 * fromEnv answers and none of these is ever loaded.
 */
export const LAZY_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

/**
 * How every function is bundled, as `cdk synth` runs esbuild (locally). The package build writes its
 * prebuilt bundles through the same NonceFunction, so with these options too (scripts/build-package.ts).
 * The bench builds the same handlers with this configuration and `@aws-sdk/*` external, to measure what
 * bundling the SDK changes.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Linked: beside the bundle in the asset, named by its sourceMappingURL comment, for mapping a stack
  // trace offline (or at run time with NODE_OPTIONS=--enable-source-maps, at a cold-start cost).
  sourceMapMode: SourceMapMode.DEFAULT,
  // Stack traces need the mappings, not a second copy of the source inside the asset.
  sourcesContent: false,
  // The AWS SDK is bundled, not taken from the runtime: tree-shaken and minified into one file it
  // loads several times faster on a cold start than the runtime's copy read module by module, and
  // the SDK version deployed is the one tested (docs/BENCHMARKS.md measures both builds). Left out:
  // the credential providers the SDK's default chain imports lazily, only when the environment holds
  // no credentials, which on Lambda it always does. They are a third of each bundle; were one ever
  // needed, it would resolve from the runtime's SDK as every @aws-sdk import did before.
  externalModules: [...LAZY_CREDENTIAL_PROVIDERS],
  // Prefer packages' ESM builds so the bundle is ESM all the way down.
  mainFields: ['module', 'main'],
  // No createRequire banner: every bundled dependency resolves to ESM, so nothing calls require()
  // (test/infra/synth.test.ts imports each bundle, outside the repository, to prove it loads).
  // Local esbuild only: synth needs neither Docker nor the network.
  forceDockerBundling: false,
};

/**
 * AccessObject imports its upload presigner (an S3 client and createPresignedPost) with a dynamic import()
 * on the first upload redemption. Inside the bundle, even behind that import(), the S3 client's code would
 * be read and parsed by every cold start, downloads' too (about 200 KB): so it is a file of its own, built
 * into the same asset with the same options, which lambda/handlers/access-object.ts imports by this name.
 * The package's prebuilt AccessObject asset holds it too (scripts/build-package.ts moves whole assets).
 */
export const UPLOAD_PRESIGNER_FILE = 's3-upload-presigner.mjs';
const UPLOAD_PRESIGNER_ENTRY = fileURLToPath(new URL('../lambda/adapters/s3-upload-presigner.ts', import.meta.url));

/** BUNDLING, plus the upload presigner's own file beside index.mjs (esbuild from the project's node_modules). */
export const ACCESS_OBJECT_BUNDLING: BundlingOptions = {
  ...BUNDLING,
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      [
        `"${inputDir}/node_modules/.bin/esbuild"`,
        '--bundle',
        `"${UPLOAD_PRESIGNER_ENTRY}"`,
        `--target=${BUNDLING.target}`,
        '--platform=node',
        '--format=esm',
        '--minify',
        '--sourcemap',
        '--sources-content=false',
        `--main-fields=${(BUNDLING.mainFields ?? []).join(',')}`,
        ...(BUNDLING.externalModules ?? []).map((module) => `--external:${module}`),
        `--outfile="${outputDir}/${UPLOAD_PRESIGNER_FILE}"`,
        '--log-level=warning',
      ].join(' '),
    ],
  },
};

export interface NonceFunctionProps {
  /** The handler module (lambda/handlers/, or its prebuilt bundle in the package). */
  readonly handler: HandlerName;
  readonly description: string;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the function's log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Environment that needs no permission (limits, names); resource names come with their grants. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * @default 512 — more memory is more CPU: TLS and SHA-256 on a cold start finish sooner.
   */
  readonly memorySize?: number;
  /** @default BUNDLING */
  readonly bundling?: BundlingOptions;
}

/**
 * A function with the project's fixed defaults (a NodejsFunction from source, the same settings on the
 * prebuilt bundle in the package), its own log group with retention, and its own role
 * that holds nothing but the right to write to that log group (no AWSLambdaBasicExecutionRole).
 */
export class NonceFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NonceFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: writes its own log group, plus the grants DESIGN invariant 9 lists`,
    });
    // CreateLogStream and PutLogEvents on this function's log group only.
    this.logGroup.grantWrite(this.role);

    const options: lambda.FunctionOptions = {
      description: props.description,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      // Above the AWS clients' worst case (3 attempts of 1 s connect + 3 s request, with backoff), so a
      // DynamoDB or S3 outage ends as the handler's 503, not a Lambda timeout that API Gateway turns into a 502.
      timeout: Duration.seconds(15),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE,
        // No NODE_OPTIONS=--enable-source-maps: Node.js would read and parse the bundle's whole source map
        // (the SDK's included) on every cold start, about half again the import time, while the handlers
        // log errors by name only and never a stack. The maps ship in the asset, to map a trace offline.
        ...props.environment,
      },
    };
    const code = prebuiltCode(props.handler);
    // NodejsFunction names the bundle index.mjs and the handler index.handler, as the prebuilt bundles are.
    this.function =
      code === undefined
        ? new NodejsFunction(this, 'Function', {
            ...options,
            entry: HANDLER_ENTRIES[props.handler],
            handler: 'handler',
            runtime: RUNTIME,
            bundling: props.bundling ?? BUNDLING,
          })
        : new lambda.Function(this, 'Function', { ...options, code, handler: 'index.handler', runtime: RUNTIME });

    // X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions: "*" is the only
    // resource IAM accepts for them. Tracing.ACTIVE adds exactly that statement to this role's policy.
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy !== undefined) {
      acknowledge(
        policy,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource for active tracing.',
      );
    }
  }
}

/** Grants table actions by name and hands the function the table's name with them. */
const bindTable = (target: NonceFunction, table: ITable, ...actions: string[]): void => {
  table.grant(target.function, ...actions);
  target.function.addEnvironment('TABLE_NAME', table.tableName);
};

/**
 * Grants s3:GetObject (which also authorizes HeadObject) on the bucket's objects and hands over the
 * bucket's name. The object keys are chosen by producers at run time, so `bucket/*` is inherent.
 */
const bindBucketObjects = (target: NonceFunction, bucket: IBucket): void => {
  BucketGrants.fromBucket(bucket).actionsOnObjectKeys(target.function, '*', 's3:GetObject');
  target.function.addEnvironment('BUCKET_NAME', bucket.bucketName);
  acknowledge(
    target.role.node.findChild('DefaultPolicy'),
    iam5ResourceFinding(target, bucket.arnForObjects('*')),
    's3:GetObject on the objects of this stack\'s bucket only: keys are chosen by producers at run time, so the object ARN must end in "/*".',
  );
};

/**
 * Uploads: AccessObject signs presigned POSTs with its own credentials, so its role needs s3:PutObject,
 * on the upload prefix only; both GenerateURL (which mints under the prefix) and AccessObject (which
 * refuses an upload nonce outside it) are handed the prefix with it.
 */
const bindUploads = (
  generateUrl: NonceFunction,
  accessObject: NonceFunction,
  bucket: IBucket,
  prefix: string,
): void => {
  BucketGrants.fromBucket(bucket).actionsOnObjectKeys(accessObject.function, `${prefix}*`, 's3:PutObject');
  generateUrl.function.addEnvironment('UPLOAD_KEY_PREFIX', prefix);
  accessObject.function.addEnvironment('UPLOAD_KEY_PREFIX', prefix);
  acknowledge(
    accessObject.role.node.findChild('DefaultPolicy'),
    iam5ResourceFinding(accessObject, bucket.arnForObjects(`${prefix}*`)),
    `s3:PutObject under the upload key prefix "${prefix}" only: a presigned POST is signed with AccessObject's credentials, and upload keys are chosen by producers at run time under that prefix, so the object ARN must end in "*". The action is named, never a wildcard.`,
  );
};

export interface NonceFunctionsProps {
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly presignTtlSeconds: number;
  readonly maxExpiresInSeconds: number;
  readonly maxUsesLimit: number;
  /** @default - accessUrl is built from the request's domain and stage */
  readonly publicBaseUrl?: string;
  /**
   * The producer scope (owner ARN or `*` → key prefix), handed to GenerateURL as PRODUCER_KEY_PREFIXES.
   * @default - no scope: every producer may mint any key of the bucket
   */
  readonly producerKeyPrefixes?: Readonly<Record<string, string>>;
  /**
   * Upload nonces may put objects under this prefix: AccessObject gets s3:PutObject on `bucket/<prefix>*`.
   * @default - uploads disabled: no s3:PutObject anywhere
   */
  readonly uploadKeyPrefix?: string;
}

/**
 * GenerateURL, ValidateNonce (the REQUEST authorizer) and AccessObject, with invariant 9's grants; and the
 * producer's management functions, NonceStatus (GetItem) and RevokeNonce (a DeleteItem conditional on the
 * creator), each holding only its one action.
 */
export class NonceFunctions extends Construct {
  public readonly generateUrl: NonceFunction;
  public readonly validateNonce: NonceFunction;
  public readonly accessObject: NonceFunction;
  public readonly nonceStatus: NonceFunction;
  public readonly revokeNonce: NonceFunction;

  constructor(scope: Construct, id: string, props: NonceFunctionsProps) {
    super(scope, id);
    const common = { logRetention: props.logRetention, removalPolicy: props.removalPolicy };

    this.generateUrl = new NonceFunction(this, 'GenerateUrl', {
      ...common,
      handler: 'generateUrl',
      description: 'POST /generate-url: checks the object exists, stores the hash of a new nonce',
      environment: {
        MAX_EXPIRES_IN_SECONDS: String(props.maxExpiresInSeconds),
        MAX_USES_LIMIT: String(props.maxUsesLimit),
        ...(props.publicBaseUrl === undefined ? {} : { PUBLIC_BASE_URL: props.publicBaseUrl }),
        ...(Object.keys(props.producerKeyPrefixes ?? {}).length === 0
          ? {}
          : { PRODUCER_KEY_PREFIXES: JSON.stringify(props.producerKeyPrefixes) }),
      },
    });
    bindTable(this.generateUrl, props.table, 'dynamodb:PutItem');
    bindBucketObjects(this.generateUrl, props.bucket);

    this.validateNonce = new NonceFunction(this, 'ValidateNonce', {
      ...common,
      handler: 'validateNonce',
      description: 'REQUEST authorizer of GET and POST /access-object: reads the nonce item, allows or denies',
    });
    bindTable(this.validateNonce, props.table, 'dynamodb:GetItem');

    this.accessObject = new NonceFunction(this, 'AccessObject', {
      ...common,
      handler: 'accessObject',
      bundling: ACCESS_OBJECT_BUNDLING,
      description:
        'GET and POST /access-object: consumes a use atomically (a confirm nonce only on POST), then answers with a short-lived presigned GET',
      environment: {
        PRESIGN_TTL_SECONDS: String(props.presignTtlSeconds),
        // The redeem URL a confirm nonce's JSON offer names, built as GenerateURL builds accessUrl.
        ...(props.publicBaseUrl === undefined ? {} : { PUBLIC_BASE_URL: props.publicBaseUrl }),
      },
    });
    bindTable(this.accessObject, props.table, 'dynamodb:DeleteItem', 'dynamodb:UpdateItem');
    bindBucketObjects(this.accessObject, props.bucket);
    if (props.uploadKeyPrefix !== undefined) {
      bindUploads(this.generateUrl, this.accessObject, props.bucket, props.uploadKeyPrefix);
    }

    this.nonceStatus = new NonceFunction(this, 'NonceStatus', {
      ...common,
      handler: 'nonceStatus',
      description: "GET /nonces/{nonceId}: a live nonce's key, expiry and uses, for its creator only",
    });
    bindTable(this.nonceStatus, props.table, 'dynamodb:GetItem');

    this.revokeNonce = new NonceFunction(this, 'RevokeNonce', {
      ...common,
      handler: 'revokeNonce',
      description: 'DELETE /nonces/{nonceId}: deletes a live nonce, for its creator only',
    });
    bindTable(this.revokeNonce, props.table, 'dynamodb:DeleteItem');
  }

  public all(): readonly NonceFunction[] {
    return [this.generateUrl, this.validateNonce, this.accessObject, this.nonceStatus, this.revokeNonce];
  }
}
