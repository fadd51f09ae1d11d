import { type Env, integerInRange, optionalString, optionalUrl, requiredString } from './env.js';

/** Where the AWS clients go: the region, and the emulators' endpoints in local mode and tests. */
export interface AwsConfig {
  readonly region?: string;
  readonly dynamoDbEndpoint?: string;
  readonly s3Endpoint?: string;
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
  return {
    ...(region === undefined ? {} : { region }),
    ...(dynamoDbEndpoint === undefined ? {} : { dynamoDbEndpoint }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
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
}

export const loadGenerateUrlConfig = (env: Env): GenerateUrlConfig => {
  const publicBaseUrl = optionalUrl(env, 'PUBLIC_BASE_URL');
  return {
    aws: awsConfig(env),
    tableName: requiredString(env, 'TABLE_NAME'),
    bucketName: requiredString(env, 'BUCKET_NAME'),
    maxExpiresInSeconds: integerInRange(env, 'MAX_EXPIRES_IN_SECONDS', { fallback: 604_800, min: 1, max: 31_536_000 }),
    maxUsesLimit: integerInRange(env, 'MAX_USES_LIMIT', { fallback: 100, min: 1, max: 1_000_000 }),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
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
}

export const loadAccessObjectConfig = (env: Env): AccessObjectConfig => ({
  aws: awsConfig(env),
  tableName: requiredString(env, 'TABLE_NAME'),
  bucketName: requiredString(env, 'BUCKET_NAME'),
  presignTtlSeconds: integerInRange(env, 'PRESIGN_TTL_SECONDS', {
    fallback: 60,
    min: PRESIGN_TTL_MIN_SECONDS,
    max: PRESIGN_TTL_MAX_SECONDS,
  }),
});
