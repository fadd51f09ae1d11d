import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as accessObject from '../../lambda/handlers/access-object.js';
import * as generateUrl from '../../lambda/handlers/generate-url.js';
import * as nonceStatus from '../../lambda/handlers/nonce-status.js';
import * as revokeNonce from '../../lambda/handlers/revoke-nonce.js';
import * as validateNonce from '../../lambda/handlers/validate-nonce.js';
import { HANDLER_ENTRIES } from '../../lib/functions.js';
import { HANDLER_MODULES, loadHandlers } from '../../local/handler-modules.js';

/** Local mode runs the deployed code: the same files the stack bundles, and no other implementation. */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the handler modules local mode loads', () => {
  it('are exactly the five deployed handler files', () => {
    const files = Object.values(HANDLER_MODULES).map((url) => relative(REPO_ROOT, fileURLToPath(url)));
    expect(files.sort()).toEqual([
      'lambda/handlers/access-object.ts',
      'lambda/handlers/generate-url.ts',
      'lambda/handlers/nonce-status.ts',
      'lambda/handlers/revoke-nonce.ts',
      'lambda/handlers/validate-nonce.ts',
    ]);
  });

  it('are the entry files the CDK stack bundles', () => {
    const local = Object.values(HANDLER_MODULES).map((url) => fileURLToPath(url));
    expect(local.sort()).toEqual(Object.values(HANDLER_ENTRIES).sort());
  });

  it('hand local mode the very handler functions those modules export', async () => {
    // The vitest config provides the environment the modules read when they load.
    const handlers = await loadHandlers();
    expect(handlers['generate-url']).toBe(generateUrl.handler);
    expect(handlers['validate-nonce']).toBe(validateNonce.handler);
    expect(handlers['access-object']).toBe(accessObject.handler);
    expect(handlers['nonce-status']).toBe(nonceStatus.handler);
    expect(handlers['revoke-nonce']).toBe(revokeNonce.handler);
  });
});
