import { ownerOf } from '../core/owner.js';
import type { ProducerKeyPrefixes } from '../core/producer-scope.js';
import { uploadKeyPrefixProblem } from '../core/upload-rules.js';
import {
  ConfigError,
  type Env,
  integerInRange,
  optionalBoolean,
  optionalString,
  optionalUrl,
  requiredString,
} from './env.js';

/** Where the AWS clients go: the region, and the emulators' endpoints in local mode and tests. */
export interface AwsConfig {
  readonly region?: string;
  readonly dynamoDbEndpoint?: string;
  readonly s3Endpoint?: string;
  /** The SDK's own switches, honoured by AccessObject's presigner as the S3 client honours them. */
  readonly useFipsEndpoint?: boolean;
  readonly useDualstackEndpoint?: boolean;
}

export const PRESIGN_TTL_MAX_SECONDS = 300;
/**
 * SigV4 writes the signing time in whole seconds (rounded down): a URL that lives 1 s can be expired on
 * arrival. 10 s leaves room for the redirect and a slow client.
 */
export const PRESIGN_TTL_MIN_SECONDS = 10;

const awsConfig = (env: Env): AwsConfig => {
  const region = optionalString(env, 'AWS_REGION');
  const dynamoDbEndpoint = optionalUrl(env, 'DYNAMODB_ENDPOINT');
  const s3Endpoint = optionalUrl(env, 'S3_ENDPOINT');
  const useFipsEndpoint = optionalBoolean(env, 'AWS_USE_FIPS_ENDPOINT');
  const useDualstackEndpoint = optionalBoolean(env, 'AWS_USE_DUALSTACK_ENDPOINT');
  return {
    ...(region === undefined ? {} : { region }),
    ...(dynamoDbEndpoint === undefined ? {} : { dynamoDbEndpoint }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    ...(useFipsEndpoint === undefined ? {} : { useFipsEndpoint }),
    ...(useDualstackEndpoint === undefined ? {} : { useDualstackEndpoint }),
  };
};

export interface GenerateUrlConfig {
  readonly aws: AwsConfig;
  readonly tableName: string;
  readonly bucketName: string;
  readonly maxExpiresInSeconds: number;
  readonly maxUsesLimit: number;
  /** A custom domain for accessUrl; otherwise it is built from the request. */
  readonly publicBaseUrl?: string;
  /** The optional producer scope (owner → key prefix, `*` for everyone else); absent: no scope. */
  readonly producerKeyPrefixes?: ProducerKeyPrefixes;
  /** Where upload nonces may put objects; absent: uploads disabled. */
  readonly uploadKeyPrefix?: string;
}

/**
 * UPLOAD_KEY_PREFIX: the key prefix upload nonces may target (the stack's uploadKeyPrefix). Unset or
 * empty: uploads are disabled. GenerateURL and AccessObject read it; the stack grants AccessObject
 * s3:PutObject on exactly `bucket/<prefix>*` along with it.
 */
const uploadKeyPrefix = (env: Env): string | undefined => {
  const prefix = optionalString(env, 'UPLOAD_KEY_PREFIX');
  if (prefix === undefined) return undefined;
  const problem = uploadKeyPrefixProblem(prefix);
  if (problem !== undefined) throw new ConfigError('UPLOAD_KEY_PREFIX', `${problem}, got ${JSON.stringify(prefix)}.`);
  return prefix;
};

/** An object key is at most 1024 UTF-8 bytes, so a longer prefix could match nothing. */
const MAX_PREFIX_BYTES = 1024;

/**
 * PRODUCER_KEY_PREFIXES: a JSON object mapping an owner (as core/owner.ts normalises callers) or `*` to
 * the key prefix it may mint under. Unset or `{}`: no scope.
 */
const producerKeyPrefixes = (env: Env): ProducerKeyPrefixes | undefined => {
  const name = 'PRODUCER_KEY_PREFIXES';
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  const shape = 'must be a JSON object mapping an owner ARN (or "*") to a key prefix';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, `${shape}; it is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(name, `${shape}, got ${JSON.stringify(value)}.`);
  }
  const entries = Object.entries(value);
  for (const [owner, prefix] of entries) {
    if (typeof prefix !== 'string' || Buffer.byteLength(prefix, 'utf8') > MAX_PREFIX_BYTES) {
      throw new ConfigError(
        name,
        `maps "${owner}" to ${JSON.stringify(prefix)}: a prefix is a string of at most ${MAX_PREFIX_BYTES} bytes.`,
      );
    }
    if (owner.trim() === '') throw new ConfigError(name, 'has an empty owner: name an ARN or "*".');
    if (ownerOf(owner) !== owner) {
      throw new ConfigError(name, `names the session "${owner}": owners are roles, so name "${ownerOf(owner)}".`);
    }
  }
  return entries.length === 0 ? undefined : new Map(entries as [string, string][]);
};

export const loadGenerateUrlConfig = (env: Env): GenerateUrlConfig => {
  const publicBaseUrl = optionalUrl(env, 'PUBLIC_BASE_URL');
  const keyPrefixes = producerKeyPrefixes(env);
  const uploadPrefix = uploadKeyPrefix(env);
  return {
    aws: awsConfig(env),
    tableName: requiredString(env, 'TABLE_NAME'),
    bucketName: requiredString(env, 'BUCKET_NAME'),
    maxExpiresInSeconds: integerInRange(env, 'MAX_EXPIRES_IN_SECONDS', { fallback: 604_800, min: 1, max: 31_536_000 }),
    maxUsesLimit: integerInRange(env, 'MAX_USES_LIMIT', { fallback: 100, min: 1, max: 1_000_000 }),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    ...(keyPrefixes === undefined ? {} : { producerKeyPrefixes: keyPrefixes }),
    ...(uploadPrefix === undefined ? {} : { uploadKeyPrefix: uploadPrefix }),
  };
};

export interface TableConfig {
  readonly aws: AwsConfig;
  readonly tableName: string;
}

export const loadTableConfig = (env: Env): TableConfig => ({
  aws: awsConfig(env),
  tableName: requiredString(env, 'TABLE_NAME'),
});

export interface AccessObjectConfig {
  readonly aws: AwsConfig;
  readonly tableName: string;
  readonly bucketName: string;
  readonly presignTtlSeconds: number;
  /** A custom domain for the redeem URL a confirmation offers; otherwise the request's own. */
  readonly publicBaseUrl?: string;
  /** Where upload nonces may put objects; absent: uploads disabled (an upload nonce is refused). */
  readonly uploadKeyPrefix?: string;
}

/**
 * Without an explicit endpoint the SDK sends S3 requests to AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when
 * set. AccessObject presigns without the S3 client (lambda/adapters/s3-presigner.ts), so it refuses them
 * rather than sign for another host than the SDK would.
 */
const refuseSdkEndpointOverrides = (env: Env, aws: AwsConfig): void => {
  if (aws.s3Endpoint !== undefined || optionalString(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') === 'true') return;
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    if (optionalString(env, name) !== undefined) {
      throw new ConfigError(
        name,
        'is not supported by AccessObject, which presigns without the S3 client; set S3_ENDPOINT.',
      );
    }
  }
};

export const loadAccessObjectConfig = (env: Env): AccessObjectConfig => {
  const aws = awsConfig(env);
  refuseSdkEndpointOverrides(env, aws);
  const publicBaseUrl = optionalUrl(env, 'PUBLIC_BASE_URL');
  const uploadPrefix = uploadKeyPrefix(env);
  return {
    aws,
    tableName: requiredString(env, 'TABLE_NAME'),
    bucketName: requiredString(env, 'BUCKET_NAME'),
    presignTtlSeconds: integerInRange(env, 'PRESIGN_TTL_SECONDS', {
      fallback: 60,
      min: PRESIGN_TTL_MIN_SECONDS,
      max: PRESIGN_TTL_MAX_SECONDS,
    }),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    ...(uploadPrefix === undefined ? {} : { uploadKeyPrefix: uploadPrefix }),
  };
};
