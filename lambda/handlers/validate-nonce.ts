import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { type AuthorizeNonceDeps, authorizeNonce } from '../core/authorize-nonce.js';
import { loadTableConfig } from '../shared/config.js';
import { causeName } from '../shared/http.js';
import { createLogger, createNonceMetrics, type Log, type NonceMetrics } from '../shared/telemetry.js';
import { toAuthorizerContext } from './authorizer-context.js';

// This module is the REQUEST authorizer: keep its import graph lean (no zod, no S3) for cold starts.

export interface ValidateNonceDeps extends AuthorizeNonceDeps {
  readonly log: Log;
  readonly metrics: NonceMetrics;
}

const policy = (
  effect: 'Allow' | 'Deny',
  methodArn: string,
  principalId: string,
  context?: APIGatewayAuthorizerResult['context'],
): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    // The exact method ARN: with a results cache TTL of 0 a decision is never reused for another request.
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
  },
  ...(context === undefined ? {} : { context }),
});

/** API Gateway answers 401 (Gateway Response UNAUTHORIZED) to exactly this error message. */
const unauthorized = () => new Error('Unauthorized');

export const makeValidateNonceHandler =
  (deps: ValidateNonceDeps) =>
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const values = event.multiValueQueryStringParameters?.nonce;
    const nonce = event.queryStringParameters?.nonce;
    if (nonce === undefined || nonce === null || nonce === '') throw unauthorized();
    if (values !== undefined && values !== null && values.length > 1) {
      // `nonce` given twice: which one counts is ambiguous, so neither does. No lookup.
      deps.metrics.denied('malformed');
      return policy('Deny', event.methodArn, 'nonce');
    }
    let decision: Awaited<ReturnType<typeof authorizeNonce>>;
    try {
      decision = await authorizeNonce(deps, nonce);
    } catch (error: unknown) {
      // Any error but 'Unauthorized' is AUTHORIZER_CONFIGURATION_ERROR on AWS, which the API answers as a 503.
      deps.log.warn('authorizer could not read the nonce store', { cause: causeName(error) });
      throw new Error('Nonce store unavailable');
    }
    if (!decision.allowed) {
      deps.metrics.denied(decision.reason);
      deps.log.info('nonce denied', { reason: decision.reason, nonceId: decision.nonceId });
      return policy('Deny', event.methodArn, 'nonce');
    }
    return policy('Allow', event.methodArn, decision.record.nonceId, toAuthorizerContext(decision.record));
  };

const config = loadTableConfig(process.env);

export const handler = makeValidateNonceHandler({
  nonces: nonceStoreFor(config),
  clock: Date.now,
  // An Allow neither logs nor emits: only a denial or a fault builds the logger and the metrics.
  log: createLogger({ onFirstUse: true }),
  metrics: createNonceMetrics({ onFirstUse: true }),
});
