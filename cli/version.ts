// The bundle (dist/cli.js) inlines package.json at build time; run from source, Node reads it.
import packageJson from '../package.json' with { type: 'json' };

/** package.json's version: what `presigned-url-nonce --version` prints. */
export const VERSION: string = packageJson.version;
