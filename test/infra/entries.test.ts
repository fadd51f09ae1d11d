import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES } from '../../lib/functions.js';
import { HANDLER_MODULES } from '../../local/handler-modules.js';

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('the deployed entry files', () => {
  it('are the five handler modules in lambda/handlers/', () => {
    expect(HANDLER_ENTRIES).toEqual({
      generateUrl: repoFile('lambda/handlers/generate-url.ts'),
      validateNonce: repoFile('lambda/handlers/validate-nonce.ts'),
      accessObject: repoFile('lambda/handlers/access-object.ts'),
      nonceStatus: repoFile('lambda/handlers/nonce-status.ts'),
      revokeNonce: repoFile('lambda/handlers/revoke-nonce.ts'),
    });
    for (const entry of Object.values(HANDLER_ENTRIES)) expect(existsSync(entry)).toBe(true);
  });

  it('are exactly the modules local mode loads', () => {
    const local = Object.values(HANDLER_MODULES).map((url) => fileURLToPath(url));

    expect([...local].sort()).toEqual(Object.values(HANDLER_ENTRIES).sort());
  });

  it.each(Object.entries(HANDLER_ENTRIES))('%s exports a handler function', async (_name, entry) => {
    const module: Record<string, unknown> = await import(entry);

    expect(typeof module.handler).toBe('function');
  });
});
