#!/usr/bin/env node
/**
 * The `presigned-url-nonce` command. package.json "bin" points at its bundle, dist/cli.js, which
 * `npm ci` builds (the "prepare" script); `node --import tsx cli/main.ts` runs this source directly.
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
