import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { MethodNotAllowedError } from '../core/errors.js';
import { type NonceStatusDeps, nonceStatus } from '../core/manage-nonce.js';
import { toIsoSeconds } from '../core/rules.js';
import { loadTableConfig } from '../shared/config.js';
import { errorResponse, json } from '../shared/http.js';
import { createLogger, type Log } from '../shared/telemetry.js';
import { callerOf } from './caller.js';
import { operationFields } from './operation-fields.js';

export interface NonceStatusHandlerDeps extends NonceStatusDeps {
  readonly log: Log;
}

/** GET /nonces/{nonceId}: the creator sees key, expiry and uses; anyone else a 404. */
export const makeNonceStatusHandler =
  (deps: NonceStatusHandlerDeps) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      if (event.httpMethod !== 'GET') throw new MethodNotAllowedError('GET');
      const record = await nonceStatus(deps, event.pathParameters?.nonceId ?? '', callerOf(event));
      return json(200, {
        nonceId: record.nonceId,
        key: record.key,
        expiresAt: toIsoSeconds(record.expiresAt),
        maxUses: record.maxUses,
        usesLeft: record.usesLeft,
        createdAt: toIsoSeconds(record.createdAt),
        confirm: record.confirm === true,
        ...operationFields(record.upload),
      });
    } catch (error: unknown) {
      return errorResponse(error, deps.log);
    }
  };

const config = loadTableConfig(process.env);

export const handler = makeNonceStatusHandler({
  nonces: nonceStoreFor(config),
  clock: Date.now,
  log: createLogger(),
});
