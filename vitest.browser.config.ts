import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the pages people use, in a real browser (Debian's chromium, driven by
 * playwright-core). Not part of `npm test`, which stays browser-free; `.ci/run` installs chromium and runs it.
 */
export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['test/support/output.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser at a time on two cores.
    maxWorkers: 1,
  },
});
