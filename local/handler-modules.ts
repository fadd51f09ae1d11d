import type { ProxyHandler, RequestAuthorizer } from './gateway.js';

/**
 * The deployed handler modules, the only implementation of each route: local mode imports these very
 * files, after it has set process.env for them (each builds its handler once, when it loads).
 */
export const HANDLER_MODULES = {
  'generate-url': new URL('../lambda/handlers/generate-url.ts', import.meta.url),
  'validate-nonce': new URL('../lambda/handlers/validate-nonce.ts', import.meta.url),
  'access-object': new URL('../lambda/handlers/access-object.ts', import.meta.url),
  'nonce-status': new URL('../lambda/handlers/nonce-status.ts', import.meta.url),
  'revoke-nonce': new URL('../lambda/handlers/revoke-nonce.ts', import.meta.url),
} as const;

export type HandlerName = keyof typeof HANDLER_MODULES;

/** What local mode calls: the handler exported by each module, typed by its role in the API. */
export interface LoadedHandlers {
  readonly 'generate-url': ProxyHandler;
  readonly 'validate-nonce': RequestAuthorizer;
  readonly 'access-object': ProxyHandler;
  readonly 'nonce-status': ProxyHandler;
  readonly 'revoke-nonce': ProxyHandler;
}

const loadHandler = async (name: HandlerName): Promise<unknown> => {
  const module: unknown = await import(HANDLER_MODULES[name].href);
  const handler = typeof module === 'object' && module !== null && 'handler' in module ? module.handler : undefined;
  if (typeof handler !== 'function') throw new Error(`${HANDLER_MODULES[name].pathname} exports no handler function`);
  return handler;
};

/** Imports every module. Call it only once process.env holds their configuration. */
export const loadHandlers = async (): Promise<LoadedHandlers> => {
  const [generateUrl, validateNonce, accessObject, nonceStatus, revokeNonce] = await Promise.all([
    loadHandler('generate-url'),
    loadHandler('validate-nonce'),
    loadHandler('access-object'),
    loadHandler('nonce-status'),
    loadHandler('revoke-nonce'),
  ]);
  return {
    'generate-url': generateUrl as ProxyHandler,
    'validate-nonce': validateNonce as RequestAuthorizer,
    'access-object': accessObject as ProxyHandler,
    'nonce-status': nonceStatus as ProxyHandler,
    'revoke-nonce': revokeNonce as ProxyHandler,
  };
};
