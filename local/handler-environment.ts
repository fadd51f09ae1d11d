import type { LocalConfig } from './config.js';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.js';

/**
 * What the handler modules read from process.env when they load, pointed at the emulators. The
 * credentials are forced to the emulators' own: a developer's real AWS credentials have no business
 * here (and s3rver knows only its own key). The user's limits stay in process.env (config.ts checked
 * them); Powertools' settings and PUBLIC_BASE_URL are set as config.ts normalised them.
 */
export const handlerEnvironment = (config: LocalConfig, emulators: Emulators): Record<string, string> => ({
  TABLE_NAME: config.tableName,
  BUCKET_NAME: config.bucketName,
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
  DYNAMODB_ENDPOINT: emulators.dynamoDbEndpoint,
  S3_ENDPOINT: emulators.s3Endpoint,
  // Quiet by default (config.ts): EMF metrics are noise without CloudWatch, and INFO logs one line per
  // request. Normalised there: the Logger ignores a level it does not know, in any case but upper.
  POWERTOOLS_METRICS_DISABLED: String(config.metricsDisabled),
  POWERTOOLS_LOG_LEVEL: config.logLevel,
  ...(config.publicBaseUrl === undefined ? {} : { PUBLIC_BASE_URL: config.publicBaseUrl }),
  // Always set: empty is "uploads disabled" to the handlers, and replaces the user's `off`.
  UPLOAD_KEY_PREFIX: config.uploadKeyPrefix ?? '',
});

/** Variables that would override the forced credentials in the SDK's provider chain. */
export const CONFLICTING_AWS_VARIABLES = ['AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
