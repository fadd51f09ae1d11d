import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyHandler, RequestAuthorizer, RouteTarget } from '../../local/gateway.js';
import { createGatewayServer } from '../../local/http-server.js';
import { closeServer, listen } from '../../local/net.js';
import type { BoundRoute, RouteSpec } from '../../local/routes.js';
import { type RawAnswer, rawRequest } from '../support/raw-http.js';

/**
 * The API Gateway emulator over real HTTP with stand-in handlers, for what the deployed handlers never
 * do (throw, answer malformed results, binary bodies, multi-value headers) and for what a handler sees
 * of the request (the event local mode builds).
 */

let seen: APIGatewayProxyEvent[] = [];
let authorized: APIGatewayRequestAuthorizerEvent[] = [];
let result: () => Promise<unknown> = async () => ({ statusCode: 200, body: 'ok' });

const ALLOW_ALL_GETS = {
  principalId: 'p',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:*:*:*/*/GET/*' }],
  },
  context: { count: 3, flag: true, name: 'n' },
};
let decide: () => Promise<unknown> = async () => ALLOW_ALL_GETS;

const echo: ProxyHandler = async (event) => {
  seen.push(event);
  return (await result()) as APIGatewayProxyResult;
};
const authorizer: RequestAuthorizer = async (event) => {
  authorized.push(event);
  return (await decide()) as Awaited<ReturnType<RequestAuthorizer>>;
};

const route = (spec: RouteSpec, target: RouteTarget): BoundRoute => ({ spec, target });
const routes: BoundRoute[] = [
  route({ method: 'POST', resource: '/items', handler: 'generate-url', auth: { type: 'AWS_IAM' } }, { handler: echo }),
  route(
    { method: 'GET', resource: '/items/{itemId}', handler: 'access-object', auth: { type: 'AWS_IAM' } },
    { handler: echo },
  ),
  route(
    { method: 'GET', resource: '/items/special', handler: 'access-object', auth: { type: 'AWS_IAM' } },
    { handler: echo },
  ),
  route(
    {
      method: 'GET',
      resource: '/guarded',
      handler: 'access-object',
      auth: { type: 'REQUEST', authorizer: 'validate-nonce', identityQueryParameter: 'token' },
    },
    { handler: echo, authorizer: { fn: authorizer } },
  ),
];

let server: Server;
let base: string;

beforeAll(async () => {
  let domainName = '';
  server = createGatewayServer({
    routes,
    stage: 'test',
    domainName: () => domainName,
    maxPayloadBytes: 1024,
    integrationTimeoutMs: 200,
    authorizerTimeoutMs: 200,
    requestTimeoutMs: 300,
  });
  const port = await listen(server, 0, '127.0.0.1', 'api');
  domainName = `127.0.0.1:${port}`;
  base = `http://${domainName}`;
});

afterAll(async () => {
  await closeServer(server);
});

beforeEach(() => {
  seen = [];
  authorized = [];
  result = async () => ({ statusCode: 200, body: 'ok' });
  decide = async () => ALLOW_ALL_GETS;
});

const lastEvent = (): APIGatewayProxyEvent => {
  const event = seen.at(-1);
  if (event === undefined) throw new Error('the handler was not invoked');
  return event;
};

describe('the API Gateway emulator: the event a handler gets', () => {
  it('carries the caller from x-local-principal on AWS_IAM routes and drops the header', async () => {
    await fetch(`${base}/items`, { method: 'POST', headers: { 'x-local-principal': 'arn:aws:iam::1:user/a' } });
    const event = lastEvent();
    expect(event.requestContext.identity.userArn).toBe('arn:aws:iam::1:user/a');
    expect(Object.keys(event.headers).map((name) => name.toLowerCase())).not.toContain('x-local-principal');

    await fetch(`${base}/items`, { method: 'POST' });
    expect(lastEvent().requestContext.identity.userArn).toBe('local');
  });

  it('sets X-Forwarded-Proto/Port itself, appends to X-Forwarded-For, and names HOST:PORT as the domain', async () => {
    await fetch(`${base}/items`, {
      method: 'POST',
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' },
    });
    const event = lastEvent();
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.headers['X-Forwarded-Port']).toBe(new URL(base).port);
    expect(event.headers['X-Forwarded-For']).toBe('203.0.113.9, 127.0.0.1');
    expect(event.requestContext.domainName).toBe(new URL(base).host);
    expect(event.requestContext.stage).toBe('test');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes a binary body base64-encoded and a text body as is', async () => {
    await fetch(`${base}/items`, { method: 'POST', body: new Uint8Array([0xff, 0x00, 0x80]) });
    expect(lastEvent()).toMatchObject({ body: '/wCA', isBase64Encoded: true });
    await fetch(`${base}/items`, { method: 'POST', body: 'héllo' });
    expect(lastEvent()).toMatchObject({ body: 'héllo', isBase64Encoded: false });
  });

  it('fills path parameters, prefers a literal resource, and keeps repeated query values', async () => {
    await fetch(`${base}/items/a%20b?x=1&x=2`);
    expect(lastEvent()).toMatchObject({
      resource: '/items/{itemId}',
      path: '/items/a b',
      pathParameters: { itemId: 'a b' },
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
    });
    await fetch(`${base}/items/special`);
    expect(lastEvent()).toMatchObject({ resource: '/items/special', pathParameters: null });
  });

  it('hands parameters and headers named after Object.prototype members over as own keys, as JSON does', async () => {
    await fetch(`${base}/items?__proto__=a&constructor=b&constructor=c&toString=d`, {
      method: 'POST',
      headers: [['valueOf', 'e']],
    });
    const event = lastEvent();
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters ?? {}, '__proto__')?.value).toBe('a');
    expect(event.queryStringParameters?.toString).toBe('d');
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['b', 'c']);
    expect(event.headers.valueOf).toBe('e');
    expect(Object.getPrototypeOf(event.headers)).toBe(Object.prototype);
  });

  it('runs the authorizer on every request and hands its context over stringified', async () => {
    await fetch(`${base}/guarded?token=t`);
    await fetch(`${base}/guarded?token=t`);
    expect(authorized).toHaveLength(2);
    expect(authorized[0]?.methodArn).toBe('arn:aws:execute-api:us-east-1:000000000000:local/test/GET/guarded');
    expect(lastEvent().requestContext.authorizer).toEqual({ count: '3', flag: 'true', name: 'n', principalId: 'p' });
  });
});

const statement = (Effect: 'Allow' | 'Deny', Resource: string) => ({ Action: 'execute-api:Invoke', Effect, Resource });
const policy = (...Statement: ReturnType<typeof statement>[]) => ({
  principalId: 'p',
  policyDocument: { Version: '2012-10-17', Statement },
});
const GUARDED_ARN = 'arn:aws:execute-api:us-east-1:000000000000:local/test/GET/guarded';

describe('the API Gateway emulator: the authorizer step, as AWS answers it', () => {
  it('invokes the authorizer without the identity source (caching off) and answers its Unauthorized with 401', async () => {
    decide = async () => Promise.reject(new Error('Unauthorized'));
    for (const query of ['', '?token=', '?other=1']) {
      const response = await fetch(`${base}/guarded${query}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(authorized).toHaveLength(3);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['throws anything but Unauthorized', async () => Promise.reject(new Error('Nonce store unavailable'))],
    [
      'outlives the authorizer timeout',
      () => new Promise((resolve) => setTimeout(() => resolve(ALLOW_ALL_GETS), 1_000)),
    ],
    ['answers no policy', async () => ({ principalId: 'p' })],
    ['answers no principal', async () => ({ policyDocument: ALLOW_ALL_GETS.policyDocument })],
    ['answers a nested context value', async () => ({ ...ALLOW_ALL_GETS, context: { record: { key: 'k' } } })],
    ['answers nothing', async () => undefined],
  ])('answers AUTHORIZER_CONFIGURATION_ERROR (503 + Retry-After) when the authorizer %s', async (_, behaviour) => {
    decide = behaviour;
    const response = await fetch(`${base}/guarded?token=t`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ error: 'service_unavailable' });
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['an explicit Deny', policy(statement('Deny', GUARDED_ARN))],
    ['a Deny beside a matching Allow', policy(statement('Allow', GUARDED_ARN), statement('Deny', GUARDED_ARN))],
    ['an Allow of another method (implicit deny)', policy(statement('Allow', GUARDED_ARN.replace('/GET/', '/POST/')))],
    ['no statement (implicit deny)', policy()],
  ])('answers ACCESS_DENIED (403 nonce_invalid) to %s, without invoking the integration', async (_, output) => {
    decide = async () => output;
    const response = await fetch(`${base}/guarded?token=t`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'nonce_invalid' });
    expect(seen).toHaveLength(0);
  });
});

describe('the API Gateway emulator: the response a client gets', () => {
  it('merges headers and multiValueHeaders, a pair given in both once', async () => {
    result = async () => ({
      statusCode: 201,
      headers: { 'X-One': 'a', 'Set-Cookie': 'c=1' },
      multiValueHeaders: { 'Set-Cookie': ['c=1', 'd=2'], 'X-Many': ['x', 'y'] },
      body: '{}',
    });
    const response = await fetch(`${base}/items`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-one')).toBe('a');
    expect(response.headers.getSetCookie()).toEqual(['c=1', 'd=2']);
    expect(response.headers.get('x-many')).toBe('x, y');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('decodes an isBase64Encoded body', async () => {
    result = async () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Buffer.from([1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });
    const response = await fetch(`${base}/items`, { method: 'POST' });
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 255]);
  });

  it.each([
    ['throws', async () => Promise.reject(new Error('boom')), 502, 'internal_error'],
    ['answers no status code', async () => ({ body: 'x' }), 502, 'internal_error'],
    ['answers a non-string body', async () => ({ statusCode: 200, body: { a: 1 } }), 502, 'internal_error'],
    [
      'answers an impossible header value',
      async () => ({ statusCode: 200, headers: { 'X-Bad': 'a\nb' } }),
      502,
      'internal_error',
    ],
    [
      'outlives the integration timeout',
      () => new Promise((resolve) => setTimeout(resolve, 1_000)),
      504,
      'gateway_timeout',
    ],
  ])('answers in the JSON error shape when the handler %s', async (_, behaviour, status, error) => {
    result = behaviour;
    const response = await fetch(`${base}/items`, { method: 'POST' });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error, message: expect.any(String) });
  });

  it('answers 413 to a chunked body past the limit without invoking the handler, then serves on', async () => {
    const chunks = async function* () {
      for (let index = 0; index < 8; index++) yield new Uint8Array(512);
    };
    const response = await fetch(`${base}/items`, { method: 'POST', body: chunks(), duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(seen).toHaveLength(0);
    expect((await fetch(`${base}/items`, { method: 'POST', body: 'x'.repeat(1024) })).status).toBe(200);
  });

  it('answers 413 at once to a declared length past the limit with 100-continue, the body never sent', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(`${base}/items`, {
        method: 'POST',
        headers: { 'Content-Length': 4096, Expect: '100-continue' },
      });
      request.on('continue', () => reject(new Error('the server asked for the body')));
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});

/** What Node's HTTP parser refuses never reaches a route: the server answers it, in the same JSON shape. */
describe('the API Gateway emulator: requests the HTTP server itself refuses', () => {
  const expectJsonError = (answer: RawAnswer, status: number, error: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers.connection).toBe('close');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    expect(JSON.parse(answer.body)).toEqual({ error, message: expect.any(String) });
  };

  it('answers 431 request_header_fields_too_large to a head over 16 KiB', async () => {
    const answer = await rawRequest(base, `GET /items/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectJsonError(answer, 431, 'request_header_fields_too_large');
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['a bad method token', 'G@T /items HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a method with a space', 'GE T /items HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an unknown HTTP version', 'GET /items HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['a space in the target', 'GET /it ems HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['no method', '/items HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a header without a colon', 'GET /items HTTP/1.1\r\nHost x\r\n\r\n'],
    ['not HTTP at all', '\u0016\u0003\u0001\u0002\u0000\r\n\r\n'],
  ])('answers 400 bad_request to %s', async (_, request) => {
    expectJsonError(await rawRequest(base, request), 400, 'bad_request');
    expect(seen).toHaveLength(0);
  });

  it('answers 408 request_timeout to a body that never completes, without invoking the handler', async () => {
    const answer = await rawRequest(
      base,
      `POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":"hello.txt"}`,
    );
    expectJsonError(answer, 408, 'request_timeout');
    expect(seen).toHaveLength(0);
  });

  it('answers 408 request_timeout to a head that never completes', async () => {
    expectJsonError(await rawRequest(base, 'GET /items HTTP/1.1\r\nHost: x\r\n'), 408, 'request_timeout');
  });

  it('serves on afterwards', async () => {
    expect((await fetch(`${base}/items`, { method: 'POST' })).status).toBe(200);
  });
});
