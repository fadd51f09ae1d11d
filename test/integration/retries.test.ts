import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProxyEvent, buildRequestAuthorizerEvent } from '../../local/events.js';
import { accessRequest } from '../support/requests.js';

/**
 * A DynamoDB endpoint that answers every request with a retryable 500, counting them. The handler
 * modules are imported after DYNAMODB_ENDPOINT points at it, as Lambda would load them.
 */
describe('retries against a failing DynamoDB', () => {
  let server: Server;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env.DYNAMODB_ENDPOINT;
    await new Promise((resolve) => server.close(resolve));
  });

  const grant = { nonceId: 'n'.repeat(43), key: 'hello.txt', maxUses: 3, expiresAt: 4_000_000_000 };

  it('AccessObject sends its consuming write once, never retrying a write that may have been applied', async () => {
    const { handler } = await import('../../lambda/handlers/access-object.js');
    requests = 0;
    const response = await handler(buildProxyEvent(accessRequest('x'), grant));
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('2');
    expect(requests).toBe(1);
  });

  it('the authorizer retries its read, which is safe to repeat', async () => {
    const { handler } = await import('../../lambda/handlers/validate-nonce.js');
    requests = 0;
    await expect(handler(buildRequestAuthorizerEvent(accessRequest('A'.repeat(43))))).rejects.toThrow();
    expect(requests).toBe(3);
  });
});
