import type { RouteTarget } from './gateway.js';
import type { HandlerName, LoadedHandlers } from './handler-modules.js';

/**
 * The API's routes as the CDK stack defines them: the one table to extend when a route is added.
 * Anything else (another path, another method, HEAD, OPTIONS) is answered as API Gateway answers it,
 * 403 Missing Authentication Token, without invoking a handler.
 */
export interface RouteSpec {
  readonly method: string;
  /** The API resource; `{name}` matches one non-empty path segment, handed over as a path parameter. */
  readonly resource: string;
  readonly handler: HandlerName;
  /**
   * AWS_IAM: SigV4 on AWS; local mode checks nothing and takes the caller from `x-local-principal`.
   * A REQUEST authorizer: run on every request (results cache TTL 0). Its identity source, a query
   * parameter, is the stack's; with caching off the emulator does not check it (local/gateway.ts).
   */
  readonly auth:
    | { readonly type: 'AWS_IAM' }
    | { readonly type: 'REQUEST'; readonly authorizer: HandlerName; readonly identityQueryParameter: string };
}

/** GET and POST /access-object: one authorizer, one handler (a confirm nonce is taken only by POST). */
const NONCE_AUTH = { type: 'REQUEST', authorizer: 'validate-nonce', identityQueryParameter: 'nonce' } as const;

export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', resource: '/generate-url', handler: 'generate-url', auth: { type: 'AWS_IAM' } },
  { method: 'GET', resource: '/access-object', handler: 'access-object', auth: NONCE_AUTH },
  { method: 'POST', resource: '/access-object', handler: 'access-object', auth: NONCE_AUTH },
  { method: 'GET', resource: '/nonces/{nonceId}', handler: 'nonce-status', auth: { type: 'AWS_IAM' } },
  { method: 'DELETE', resource: '/nonces/{nonceId}', handler: 'revoke-nonce', auth: { type: 'AWS_IAM' } },
];

export interface BoundRoute {
  readonly spec: RouteSpec;
  readonly target: RouteTarget;
}

/** Pairs each route with the loaded handlers it runs. */
export const bindRoutes = (routes: readonly RouteSpec[], handlers: LoadedHandlers): BoundRoute[] =>
  routes.map((spec) => ({
    spec,
    target: {
      handler: handlers[spec.handler] as RouteTarget['handler'],
      ...(spec.auth.type === 'REQUEST'
        ? {
            authorizer: { fn: handlers[spec.auth.authorizer] as NonNullable<RouteTarget['authorizer']>['fn'] },
          }
        : {}),
    },
  }));

export interface RouteMatch {
  readonly route: BoundRoute;
  readonly pathParameters?: Record<string, string>;
}

const segmentsOf = (path: string): string[] => path.split('/').slice(1);

/** Path parameters when `path` (already percent-decoded, per segment) fits the resource template. */
const parametersFor = (resource: string, segments: readonly string[]): Record<string, string> | undefined => {
  const template = segmentsOf(resource);
  if (template.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined) {
      if (segment === '') return undefined;
      parameters[name] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return parameters;
};

/**
 * The route for a method and a path, or undefined. Matching is case-sensitive, as API Gateway's is,
 * and the most specific resource wins: `/nonces/stats` before `/nonces/{nonceId}`, whatever the order.
 */
export const matchRoute = (
  routes: readonly BoundRoute[],
  method: string,
  segments: readonly string[],
): RouteMatch | undefined => {
  let best: { route: BoundRoute; parameters: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.spec.method !== method) continue;
    const parameters = parametersFor(route.spec.resource, segments);
    if (parameters === undefined) continue;
    if (best === undefined || Object.keys(parameters).length < Object.keys(best.parameters).length) {
      best = { route, parameters };
    }
  }
  if (best === undefined) return undefined;
  return Object.keys(best.parameters).length === 0
    ? { route: best.route }
    : { route: best.route, pathParameters: best.parameters };
};
