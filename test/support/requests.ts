import type { GatewayRequest } from '../../local/events.js';

export interface RequestInit {
  readonly method?: string;
  readonly path?: string;
  readonly resource?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly userArn?: string;
}

/** A GatewayRequest with the defaults of a local call; only what a test cares about is given. */
export const gatewayRequest = (init: RequestInit = {}): GatewayRequest => {
  const path = init.path ?? '/generate-url';
  return {
    method: init.method ?? 'POST',
    path,
    resource: init.resource ?? path,
    ...(init.pathParameters === undefined ? {} : { pathParameters: init.pathParameters }),
    query: init.query ?? [],
    headers: Object.entries(init.headers ?? {}),
    ...(init.body === undefined ? {} : { body: Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body) }),
    sourceIp: '127.0.0.1',
    domainName: '127.0.0.1:3000',
    stage: 'local',
    ...(init.userArn === undefined ? {} : { userArn: init.userArn }),
  };
};

/** A POST /generate-url request with a JSON body, from local mode's default principal unless `userArn` says. */
export const generateRequest = (
  body: unknown,
  headers: Record<string, string> = {},
  userArn = 'local',
): GatewayRequest =>
  gatewayRequest({
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-Proto': 'http', ...headers },
    userArn,
  });

/** A GET /access-object?nonce=… request. */
export const accessRequest = (nonce: string | undefined, headers: Record<string, string> = {}): GatewayRequest =>
  gatewayRequest({
    method: 'GET',
    path: '/access-object',
    query: nonce === undefined ? [] : [['nonce', nonce]],
    headers,
  });
