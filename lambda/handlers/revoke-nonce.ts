import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { MethodNotAllowedError } from '../core/errors.js';
import { type RevokeNonceDeps, revokeNonce } from '../core/manage-nonce.js';
import { loadTableConfig } from '../shared/config.js';
import { errorResponse, NO_STORE } from '../shared/http.js';
import { createLogger, type Log } from '../shared/telemetry.js';
import { callerOf } from './caller.js';

export interface RevokeNonceHandlerDeps extends RevokeNonceDeps {
  readonly log: Log;
}

/** DELETE /nonces/{nonceId}: 204 when the creator revoked a live nonce; 404 for anything else. */
export const makeRevokeNonceHandler =
  (deps: RevokeNonceHandlerDeps) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      if (event.httpMethod !== 'DELETE') throw new MethodNotAllowedError('DELETE');
      const nonceId = event.pathParameters?.nonceId ?? '';
      await revokeNonce(deps, nonceId, callerOf(event));
      deps.log.info('nonce revoked', { nonceId, requestId: event.requestContext.requestId });
      return { statusCode: 204, headers: NO_STORE, body: '' };
    } catch (error: unknown) {
      return errorResponse(error, deps.log);
    }
  };

const config = loadTableConfig(process.env);

export const handler = makeRevokeNonceHandler({
  nonces: nonceStoreFor(config),
  clock: Date.now,
  log: createLogger(),
});
