import { defineConfig } from 'vitest/config';

/** What every handler module reads when it loads; tests inject their own dependencies on top. */
const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: 'presigned-url-nonce-test',
  BUCKET_NAME: 'presigned-url-nonce-test',
  POWERTOOLS_METRICS_NAMESPACE: 'PresignedUrlNonce',
};

export default defineConfig({
  test: {
    env,
    // Two files at a time on two cores (vitest's default is cores - 1): most files wait on emulators and
    // child processes, and the suite finishes about a fifth sooner.
    maxWorkers: 2,
    // Logs and EMF metrics are captured, not printed; tests assert on them (test/support/output.ts).
    setupFiles: ['test/support/output.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'adversarial',
          include: ['test/adversarial/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
          // CPU-bound files with a stack each: two at a time (after the other projects) use both cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
