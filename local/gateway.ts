import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../lib/gateway-responses.js';
import { buildProxyEvent, buildRequestAuthorizerEvent, emptyMap, type GatewayRequest } from './events.js';

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export type RequestAuthorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** API Gateway's integration timeout for REST APIs (docs/aws-behaviour.md). */
export const INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * How long the emulator waits for a Lambda authorizer. AWS documents no such limit for REST APIs; the HTTP
 * API quota ("Timeout for Lambda authorizer response", 10 000 ms) stands in for it, the shorter reading.
 * Either way a late authorizer is AUTHORIZER_CONFIGURATION_ERROR.
 */
export const AUTHORIZER_TIMEOUT_MS = 10_000;

export interface RouteTarget {
  readonly handler: ProxyHandler;
  /**
   * A REQUEST authorizer, results cache TTL 0, run on every request. With caching off, AWS's console guide
   * says API Gateway validates no identity source before invoking the authorizer (its API reference says it
   * does): the emulator invokes it, so the authorizer must answer a missing identity itself, 401 either way
   * (docs/aws-behaviour.md).
   */
  readonly authorizer?: { readonly fn: RequestAuthorizer };
}

/** A Gateway Response in the service's JSON error shape. */
export const gatewayResponse = (type: GatewayResponseType): APIGatewayProxyResult => {
  const spec = GATEWAY_RESPONSES[type];
  return {
    statusCode: spec.statusCode,
    headers: {
      'Content-Type': 'application/json',
      ...('headers' in spec ? spec.headers : {}),
    },
    body: JSON.stringify({ error: spec.error, message: spec.message }),
  };
};

/** IAM-style ARN matching: `*` matches any run of characters, `?` any one. */
const arnMatches = (pattern: string, arn: string): boolean => {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${regex}$`).test(arn);
};

const allows = (result: APIGatewayAuthorizerResult, methodArn: string): boolean => {
  const statements = result.policyDocument?.Statement ?? [];
  const matches = (resource: unknown) =>
    (Array.isArray(resource) ? resource : [resource]).some(
      (arn) => typeof arn === 'string' && arnMatches(arn, methodArn),
    );
  const relevant = statements.filter((statement) => 'Resource' in statement && matches(statement.Resource));
  // An explicit Deny wins; otherwise an Allow is needed.
  if (relevant.some((statement) => statement.Effect === 'Deny')) return false;
  return relevant.some((statement) => statement.Effect === 'Allow');
};

/**
 * The authorizer context as the integration receives it: API Gateway accepts only string, number and
 * boolean values (anything else is an AuthorizerConfigurationException, a 5xx) and hands them over
 * stringified ("1", "true"). Undefined when the authorizer's output is not acceptable.
 */
const integrationContextOf = (result: APIGatewayAuthorizerResult): Record<string, string> | undefined => {
  if (typeof result.principalId !== 'string' || typeof result.policyDocument !== 'object') return undefined;
  const context = emptyMap<string>();
  for (const [key, value] of Object.entries(result.context ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    context[key] = String(value);
  }
  context.principalId = result.principalId;
  return context;
};

/**
 * The event as Lambda hands it to a function: JSON, parsed. Every key an own property of a plain object,
 * as JSON.parse builds them (`__proto__` included), whatever maps the gateway built it from.
 */
const asDelivered = <T>(event: T): T => JSON.parse(JSON.stringify(event)) as T;

const withTimeout = async <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

type AuthorizerOutcome =
  | { readonly kind: 'allow'; readonly context: Record<string, string> }
  | { readonly kind: 'refuse'; readonly response: APIGatewayProxyResult };

const refuse = (type: GatewayResponseType): AuthorizerOutcome => ({ kind: 'refuse', response: gatewayResponse(type) });

/**
 * The authorizer step as API Gateway runs it: an `Unauthorized` error is 401 UNAUTHORIZED; any other
 * error, a timeout or a result it cannot use is AUTHORIZER_CONFIGURATION_ERROR; a policy that does not
 * allow the method (explicit or implicit deny) is ACCESS_DENIED.
 */
const runAuthorizer = async (
  authorizer: NonNullable<RouteTarget['authorizer']>,
  request: GatewayRequest,
  timeoutMs: number,
): Promise<AuthorizerOutcome> => {
  const event = asDelivered(buildRequestAuthorizerEvent(request));
  let result: APIGatewayAuthorizerResult | 'timeout';
  try {
    result = await withTimeout(authorizer.fn(event), timeoutMs);
  } catch (error: unknown) {
    return refuse(
      error instanceof Error && error.message === 'Unauthorized' ? 'UNAUTHORIZED' : 'AUTHORIZER_CONFIGURATION_ERROR',
    );
  }
  if (result === 'timeout') return refuse('AUTHORIZER_CONFIGURATION_ERROR');
  // No policy, no principal or a nested context value: API Gateway cannot use the output.
  const context = typeof result === 'object' && result !== null ? integrationContextOf(result) : undefined;
  if (context === undefined) return refuse('AUTHORIZER_CONFIGURATION_ERROR');
  if (!allows(result, event.methodArn)) return refuse('ACCESS_DENIED');
  return { kind: 'allow', context };
};

/**
 * Runs one matched route as API Gateway (REST, v1) does: the authorizer first, on every request (no
 * results cache); its failures answered by Gateway Responses; then the Lambda proxy integration with the
 * authorizer's context, bounded by the integration timeout. A handler that throws is a 502.
 */
export const invokeRoute = async (
  target: RouteTarget,
  request: GatewayRequest,
  options: { readonly timeoutMs?: number; readonly authorizerTimeoutMs?: number } = {},
): Promise<APIGatewayProxyResult> => {
  let authorizerContext: Record<string, unknown> | null = null;
  if (target.authorizer !== undefined) {
    const outcome = await runAuthorizer(
      target.authorizer,
      request,
      options.authorizerTimeoutMs ?? AUTHORIZER_TIMEOUT_MS,
    );
    if (outcome.kind === 'refuse') return outcome.response;
    authorizerContext = outcome.context;
  }
  try {
    const outcome = await withTimeout(
      target.handler(asDelivered(buildProxyEvent(request, authorizerContext))),
      options.timeoutMs ?? INTEGRATION_TIMEOUT_MS,
    );
    if (outcome === 'timeout') return gatewayResponse('INTEGRATION_TIMEOUT');
    return outcome;
  } catch {
    // AWS: a function error is a 502 (DEFAULT_5XX keeps that status).
    return gatewayResponse('DEFAULT_5XX');
  }
};
