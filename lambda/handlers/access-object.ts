import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { objectStoreFor } from '../adapters/s3-object-store.js';
import { MethodNotAllowedError, NonceInvalidError } from '../core/errors.js';
import { type RedeemNonceDeps, redeemNonce } from '../core/redeem-nonce.js';
import { loadAccessObjectConfig } from '../shared/config.js';
import { errorResponse, headerOf, json, mediaTypeOf, NO_STORE } from '../shared/http.js';
import { createLogger, createNonceMetrics, type Log, type NonceMetrics } from '../shared/telemetry.js';
import { grantFromAuthorizerContext } from './authorizer-context.js';

export interface AccessObjectDeps extends RedeemNonceDeps {
  readonly log: Log;
  readonly metrics: NonceMetrics;
}

/** The presigned URL must not leak through a Referer header or sit in a cache. */
const REDIRECT_HEADERS = { ...NO_STORE, 'Referrer-Policy': 'no-referrer' };

/**
 * The 302's own Content-Type and a short note (RFC 9110 15.4.3): without one, API Gateway labels a Lambda
 * proxy answer application/json (docs/aws-behaviour.md), which an empty body is not. The note does not
 * repeat the presigned URL: it is in Location only.
 */
const redirectTo = (url: string): APIGatewayProxyResult => ({
  statusCode: 302,
  headers: { ...REDIRECT_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Location: url },
  body: 'Found: redirecting to the object.\n',
});

const wantsJson = (event: APIGatewayProxyEvent): boolean =>
  mediaTypeOf(headerOf(event, 'accept')?.split(',', 1)[0]) === 'application/json';

export const makeAccessObjectHandler =
  (deps: AccessObjectDeps) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      // Only GET consumes: a HEAD, a prefetch or anything else must never burn a use.
      if (event.httpMethod !== 'GET') throw new MethodNotAllowedError('GET');
      const grant = grantFromAuthorizerContext(event.requestContext.authorizer);
      if (grant === undefined) throw new NonceInvalidError('unknown');
      try {
        const redemption = await redeemNonce(deps, grant);
        deps.metrics.redeemed();
        deps.log.info('nonce redeemed', {
          nonceId: grant.nonceId,
          usesLeft: redemption.usesLeft,
          requestId: event.requestContext.requestId,
        });
        if (wantsJson(event)) {
          return json(
            200,
            { url: redemption.url, expiresAt: new Date(redemption.urlExpiresAtMs).toISOString() },
            REDIRECT_HEADERS,
          );
        }
        return redirectTo(redemption.url);
      } catch (error: unknown) {
        if (error instanceof NonceInvalidError) {
          deps.metrics.denied(error.reason);
          deps.log.info('nonce denied', { reason: error.reason, nonceId: grant.nonceId });
        }
        throw error;
      }
    } catch (error: unknown) {
      return errorResponse(error, deps.log);
    }
  };

const config = loadAccessObjectConfig(process.env);

export const handler = makeAccessObjectHandler({
  // One attempt: a consuming write is not idempotent. Had DynamoDB applied a write whose answer was lost,
  // an SDK retry would take a second use of a multi-use nonce (or find a single-use one gone). Without
  // retries every fault is one 503 with Retry-After, and the caller's retry is a fresh redemption.
  nonces: nonceStoreFor(config, { maxAttempts: 1 }),
  objects: objectStoreFor(config),
  clock: Date.now,
  presignTtlSeconds: config.presignTtlSeconds,
  log: createLogger(),
  metrics: createNonceMetrics(),
});
