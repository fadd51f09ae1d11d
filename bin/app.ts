/**
 * The CDK app (`cdk.json` "app"). Synthesizes offline: no AWS credentials, no lookups, no Docker.
 * The CLI sets CDK_OUTDIR, so the app synthesizes itself when this module finishes.
 */
import { createApp } from '../lib/app.js';

createApp();
