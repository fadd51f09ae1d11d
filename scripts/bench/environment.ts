/**
 * What the in-process handlers read when their modules load, set before any of them is imported. Logs
 * and EMF metrics are off for both designs alike: the baseline's own log lines are not reproduced, and
 * the last line of the bench's stdout must be its JSON result.
 */
export const BENCH_TABLES = { ours: 'bench-ours', baseline: 'bench-baseline' } as const;
export const BENCH_BUCKET = 'bench-objects';

export const benchEnvironment = (): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: BENCH_TABLES.ours,
  BUCKET_NAME: BENCH_BUCKET,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
