import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../../lambda/adapters/dynamodb-nonce-store.js';
import { objectCheckerFor } from '../../lambda/adapters/s3-object-store.js';
import { presignerFor } from '../../lambda/adapters/s3-presigner.js';
import { makeAccessObjectHandler } from '../../lambda/handlers/access-object.js';
import { makeGenerateUrlHandler } from '../../lambda/handlers/generate-url.js';
import { makeNonceStatusHandler } from '../../lambda/handlers/nonce-status.js';
import { makeRevokeNonceHandler } from '../../lambda/handlers/revoke-nonce.js';
import { makeValidateNonceHandler } from '../../lambda/handlers/validate-nonce.js';
import { createLogger, createNonceMetrics } from '../../lambda/shared/telemetry.js';
import { type Emulators, LOCAL_REGION, startEmulators } from '../../local/emulators.js';
import type { GatewayRequest } from '../../local/events.js';
import { invokeRoute } from '../../local/gateway.js';
import { accessRequest, gatewayRequest, generateRequest } from './requests.js';

export interface TestStack {
  readonly emulators: Emulators;
  readonly presignTtlSeconds: number;
  /** POST /generate-url; `principal` is the caller's IAM ARN as API Gateway would pass it (default `local`). */
  mint(body: unknown, headers?: Record<string, string>, principal?: string): Promise<APIGatewayProxyResult>;
  /** A GET /access-object through the authorizer, as API Gateway runs it. */
  redeem(nonce: string | undefined, headers?: Record<string, string>): Promise<APIGatewayProxyResult>;
  access(request: GatewayRequest): Promise<APIGatewayProxyResult>;
  /** GET or DELETE /nonces/{nonceId} as the given principal (the caller's IAM ARN on AWS). */
  manage(method: string, nonceId: string, principal?: string): Promise<APIGatewayProxyResult>;
  /** Every item in the table, raw. */
  scan(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * The three handlers on the real adapters and the real AWS SDK, against the in-process emulators,
 * behind the same route runner local mode uses. The real Powertools logger and metrics write to the
 * captured stdout (test/support/output.ts).
 */
export const startTestStack = async (
  options: { readonly presignTtlSeconds?: number; readonly keyPrefixes?: ReadonlyMap<string, string> } = {},
): Promise<TestStack> => {
  const emulators = await startEmulators({
    dynamoDbPort: 0,
    s3Port: 0,
    tableName: 'presigned-url-nonce-test',
    bucketName: 'presigned-url-nonce-test',
  });
  const presignTtlSeconds = options.presignTtlSeconds ?? 60;
  const aws = { region: LOCAL_REGION, dynamoDbEndpoint: emulators.dynamoDbEndpoint, s3Endpoint: emulators.s3Endpoint };
  const nonces = nonceStoreFor({ aws, tableName: emulators.tableName });
  const telemetry = { log: createLogger(), metrics: createNonceMetrics() };
  const generate = makeGenerateUrlHandler({
    nonces,
    objects: objectCheckerFor({ aws, bucketName: emulators.bucketName }),
    clock: Date.now,
    limits: { maxExpiresInSeconds: 604_800, maxUsesLimit: 100 },
    ...(options.keyPrefixes === undefined ? {} : { keyPrefixes: options.keyPrefixes }),
    ...telemetry,
  });
  const authorize = makeValidateNonceHandler({ nonces, clock: Date.now, ...telemetry });
  const accessObject = makeAccessObjectHandler({
    nonces,
    objects: presignerFor({ aws, bucketName: emulators.bucketName }),
    clock: Date.now,
    presignTtlSeconds,
    ...telemetry,
  });
  const status = makeNonceStatusHandler({ nonces, clock: Date.now, log: telemetry.log });
  const revoke = makeRevokeNonceHandler({ nonces, clock: Date.now, log: telemetry.log });
  const access = (request: GatewayRequest) =>
    invokeRoute({ handler: accessObject, authorizer: { fn: authorize } }, request);

  return {
    emulators,
    presignTtlSeconds,
    mint: (body, headers, principal) =>
      invokeRoute(
        { handler: generate },
        { ...generateRequest(body, headers), ...(principal === undefined ? {} : { userArn: principal }) },
      ),
    redeem: (nonce, headers) => access(accessRequest(nonce, headers)),
    access,
    manage: (method, nonceId, principal = 'local') =>
      invokeRoute(
        { handler: method === 'DELETE' ? revoke : status },
        gatewayRequest({
          method,
          path: `/nonces/${nonceId}`,
          resource: '/nonces/{nonceId}',
          pathParameters: { nonceId },
          userArn: principal,
        }),
      ),
    async scan() {
      const { Items = [] } = await emulators.dynamoDb.send(
        new ScanCommand({ TableName: emulators.tableName, ConsistentRead: true }),
      );
      return Items;
    },
    stop: () => emulators.stop(),
  };
};
