import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { presignerFor } from '../adapters/s3-presigner.js';
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
        return { statusCode: 302, headers: { ...REDIRECT_HEADERS, Location: redemption.url }, body: '' };
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

// Built once per module (per Lambda execution environment): configuration, clients, the bucket's
// address, the credential provider and the signer; a redemption only signs and writes.
const config = loadAccessObjectConfig(process.env);

export const handler = makeAccessObjectHandler({
  // One attempt: a consuming write is not idempotent. Had DynamoDB applied a write whose answer was lost,
  // an SDK retry would take a second use of a multi-use nonce (or find a single-use one gone). Without
  // retries every fault is one 503 with Retry-After, and the caller's retry is a fresh redemption.
  nonces: nonceStoreFor(config, { maxAttempts: 1 }),
  objects: presignerFor(config),
  clock: Date.now,
  presignTtlSeconds: config.presignTtlSeconds,
  log: createLogger(),
  metrics: createNonceMetrics(),
});
