import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { objectCheckerFor } from '../adapters/s3-object-store.js';
import { MethodNotAllowedError } from '../core/errors.js';
import { type IssueNonceDeps, issueNonce } from '../core/issue-nonce.js';
import { toIsoSeconds } from '../core/rules.js';
import { loadGenerateUrlConfig } from '../shared/config.js';
import { errorResponse, json } from '../shared/http.js';
import { createLogger, createNonceMetrics, type Log, type NonceMetrics } from '../shared/telemetry.js';
import { accessUrlFor, baseUrlOf } from './access-url.js';
import { callerOf } from './caller.js';
import { createGenerateUrlRequestParser, type RequestLimits } from './generate-url-request.js';
import { operationFields } from './operation-fields.js';

export interface GenerateUrlDeps extends IssueNonceDeps {
  readonly limits: RequestLimits;
  readonly publicBaseUrl?: string;
  readonly log: Log;
  readonly metrics: NonceMetrics;
}

export const makeGenerateUrlHandler = (deps: GenerateUrlDeps) => {
  const parse = createGenerateUrlRequestParser(deps.limits);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      if (event.httpMethod !== 'POST') throw new MethodNotAllowedError('POST');
      const createdBy = callerOf(event);
      const request = parse(event);
      const issued = await issueNonce(deps, { ...request, createdBy });
      deps.metrics.issued();
      deps.log.info('nonce issued', {
        nonceId: issued.nonceId,
        maxUses: issued.maxUses,
        expiresAt: issued.expiresAt,
        confirm: request.confirm,
        operation: request.upload === undefined ? 'download' : 'upload',
        requestId: event.requestContext.requestId,
      });
      return json(201, {
        nonce: issued.nonce,
        nonceId: issued.nonceId,
        accessUrl: accessUrlFor(baseUrlOf(event, deps.publicBaseUrl), issued.nonce),
        expiresAt: toIsoSeconds(issued.expiresAt),
        maxUses: issued.maxUses,
        ...operationFields(request.upload),
      });
    } catch (error: unknown) {
      return errorResponse(error, deps.log);
    }
  };
};

// Built once per module (per Lambda execution environment): configuration read and clients made here.
const config = loadGenerateUrlConfig(process.env);

export const handler = makeGenerateUrlHandler({
  nonces: nonceStoreFor(config),
  objects: objectCheckerFor(config),
  clock: Date.now,
  limits: config,
  ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
  ...(config.producerKeyPrefixes === undefined ? {} : { keyPrefixes: config.producerKeyPrefixes }),
  ...(config.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: config.uploadKeyPrefix }),
  log: createLogger(),
  metrics: createNonceMetrics(),
});
