import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/** An HTTP request as API Gateway sees it, before it builds a Lambda event from it. */
export interface GatewayRequest {
  readonly method: string;
  /** The path as requested, without the query string, e.g. /access-object. */
  readonly path: string;
  /** The API resource it matched, e.g. /nonces/{nonceId}. */
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  /** Query parameters in order of appearance; a repeated name has several values. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Header names as received; a repeated header has several values. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer;
  readonly sourceIp: string;
  /** host:port the client called. */
  readonly domainName: string;
  readonly stage: string;
  /** The caller's principal ARN where the route is signed (AWS_IAM); absent otherwise. */
  readonly userArn?: string;
  readonly requestId?: string;
}

const ACCOUNT_ID = '000000000000';
const API_ID = 'local';
const REGION = 'us-east-1';

/** arn:aws:execute-api:region:account:api/stage/METHOD/path, as API Gateway writes it. */
export const methodArnOf = (request: GatewayRequest): string =>
  `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${request.stage}/${request.method}${request.path}`;

/**
 * A map without a prototype: a client's parameter or header named `__proto__`, `constructor` or
 * `toString` is a key like any other, never a member of Object.prototype read as a value.
 */
export const emptyMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

const single = (pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> | null => {
  if (pairs.length === 0) return null;
  const out = emptyMap<string>();
  // API Gateway keeps the last value of a repeated name in the single-value map.
  for (const [name, value] of pairs) out[name] = value;
  return out;
};

const multi = (pairs: ReadonlyArray<readonly [string, string]>): Record<string, string[]> | null => {
  if (pairs.length === 0) return null;
  const out = emptyMap<string[]>();
  for (const [name, value] of pairs) out[name] = [...(out[name] ?? []), value];
  return out;
};

/** Binary-safe: a body that is not valid UTF-8 is handed over base64-encoded, as API Gateway does. */
const bodyOf = (body: Buffer | undefined): { body: string | null; isBase64Encoded: boolean } => {
  if (body === undefined || body.length === 0) return { body: null, isBase64Encoded: false };
  const text = body.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(body)) return { body: text, isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
};

const requestContextOf = (request: GatewayRequest, requestId: string) => ({
  accountId: ACCOUNT_ID,
  apiId: API_ID,
  domainName: request.domainName,
  domainPrefix: request.domainName.split('.')[0] ?? request.domainName,
  extendedRequestId: requestId,
  httpMethod: request.method,
  identity: {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent: request.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null,
    userArn: request.userArn ?? null,
  },
  // Local mode serves the routes at the root, so the path the client used is the route's path.
  path: request.path,
  protocol: 'HTTP/1.1',
  requestId,
  requestTime: new Date().toUTCString(),
  requestTimeEpoch: Date.now(),
  resourceId: request.resource,
  resourcePath: request.resource,
  stage: request.stage,
});

export const buildRequestAuthorizerEvent = (request: GatewayRequest): APIGatewayRequestAuthorizerEvent => {
  const requestId = request.requestId ?? randomUUID();
  return {
    type: 'REQUEST',
    methodArn: methodArnOf(request),
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers: single(request.headers),
    multiValueHeaders: multi(request.headers),
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: single(request.query),
    multiValueQueryStringParameters: multi(request.query),
    stageVariables: null,
    requestContext: requestContextOf(request, requestId),
  } as APIGatewayRequestAuthorizerEvent;
};

export const buildProxyEvent = (
  request: GatewayRequest,
  authorizer: Record<string, unknown> | null = null,
): APIGatewayProxyEvent => {
  const requestId = request.requestId ?? randomUUID();
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers: single(request.headers) ?? {},
    multiValueHeaders: multi(request.headers) ?? {},
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: single(request.query),
    multiValueQueryStringParameters: multi(request.query),
    stageVariables: null,
    requestContext: { ...requestContextOf(request, requestId), authorizer },
    ...bodyOf(request.body),
  } as APIGatewayProxyEvent;
};
