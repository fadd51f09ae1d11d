/**
 * The CDK app (`cdk.json` "app"). Synthesizes offline: no AWS credentials, no lookups, no Docker.
 * The CLI sets CDK_OUTDIR, so the app synthesizes itself when this module finishes; an invalid or
 * unknown context option exits 1 first, before anything is synthesized.
 */
import { createApp } from '../lib/app.js';
import { UnknownContextOptionError } from '../lib/context-options.js';
import { OptionError } from '../lib/options.js';

try {
  createApp();
} catch (error: unknown) {
  // A bad option is the user's to fix: one sentence, not a stack trace (the CDK CLI adds its own line).
  if (!(error instanceof OptionError || error instanceof UnknownContextOptionError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
