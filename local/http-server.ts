import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { GatewayRequest } from './events.js';
import { gatewayResponse, invokeRoute } from './gateway.js';
import { readBody } from './request-body.js';
import { toHttpResponse } from './response.js';
import { type BoundRoute, matchRoute } from './routes.js';

/** API Gateway's payload limit for REST APIs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** The header local mode reads the caller's principal from, on AWS_IAM routes (SigV4 on AWS). */
export const LOCAL_PRINCIPAL_HEADER = 'x-local-principal';
export const DEFAULT_LOCAL_PRINCIPAL = 'local';

/** How long the rest of an oversized body is discarded before the connection is cut. */
const LINGER_MS = 2_000;

/**
 * How long a client has to send a whole request, head and body: Node's `requestTimeout` (and
 * `headersTimeout`), whose expiry Node reports through 'clientError' (ERR_HTTP_REQUEST_TIMEOUT), so the
 * 408 comes out of the same path as every other refusal of the parser. Node's own timer rather than
 * ours: it also covers a head that never completes, before any request handler runs. 30 s: longer than
 * API Gateway's 29 s integration timeout, so no client slower than that is cut sooner than a handler.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface GatewayServerOptions {
  readonly routes: readonly BoundRoute[];
  readonly stage: string;
  /** host:port of the API as callers reach it: requestContext.domainName, hence the accessUrl's host. */
  readonly domainName: () => string;
  readonly maxPayloadBytes?: number;
  readonly integrationTimeoutMs?: number;
  readonly authorizerTimeoutMs?: number;
  /** @default REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
}

/** Headers API Gateway sets itself: a client's own values must not reach the handler. */
const GATEWAY_SET_HEADERS = new Set(['x-forwarded-proto', 'x-forwarded-port', LOCAL_PRINCIPAL_HEADER]);

/** Percent-decoded path segments, or undefined for a path no route can match (bad escapes). */
const segmentsOf = (path: string): string[] | undefined => {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
};

const sourceIpOf = (request: IncomingMessage): string =>
  (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

const headerPairs = (request: IncomingMessage, sourceIp: string, port: string): [string, string][] => {
  const raw = request.rawHeaders;
  const pairs: [string, string][] = [];
  let forwardedFor: string | undefined;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] ?? '';
    const value = raw[index + 1] ?? '';
    const lower = name.toLowerCase();
    if (GATEWAY_SET_HEADERS.has(lower)) continue;
    if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
    else pairs.push([name, value]);
  }
  // As API Gateway does: the client's address appended to X-Forwarded-For, the scheme and port it used.
  pairs.push(
    ['X-Forwarded-For', forwardedFor === undefined ? sourceIp : `${forwardedFor}, ${sourceIp}`],
    ['X-Forwarded-Proto', 'http'],
    ['X-Forwarded-Port', port],
  );
  return pairs;
};

const send = (response: ServerResponse, result: APIGatewayProxyResult, requestId: string): void => {
  const { statusCode, headers, body } = toHttpResponse(result, requestId);
  response.writeHead(statusCode, headers);
  response.end(body);
};

/**
 * 413 at once, and nothing more of the body is kept. What the client is still sending is discarded
 * for a moment before the connection is cut, because many clients (fetch among them) read an answer
 * only once they have sent their whole body: cut at once, they would see a reset instead of the 413.
 */
const refuseTooLarge = (request: IncomingMessage, response: ServerResponse, requestId: string): void => {
  request.resume();
  const cut = setTimeout(() => request.socket.destroy(), LINGER_MS);
  cut.unref();
  request.once('end', () => clearTimeout(cut));
  send(response, gatewayResponse('REQUEST_TOO_LARGE'), requestId);
};

/** With `Expect: 100-continue` the client waits: refused now, it never sends the body at all. */
const refuseBeforeBody = (response: ServerResponse): void => {
  response.shouldKeepAlive = false;
  send(response, gatewayResponse('REQUEST_TOO_LARGE'), randomUUID());
};

const declaredLength = (request: IncomingMessage): number | undefined => {
  const value = request.headers['content-length'];
  return value === undefined || !/^\d+$/.test(value) ? undefined : Number(value);
};

/** The parser's refusals, by Node's error code; anything else it refuses is a 400. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; reason: string; error: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    error: 'request_header_fields_too_large',
    message: 'The request line and headers are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    error: 'request_timeout',
    message: 'The request was not received in full in time.',
  },
};
const BAD_REQUEST = {
  status: 400,
  reason: 'Bad Request',
  error: 'bad_request',
  message: 'The request is not valid HTTP.',
};

/**
 * 'clientError': Node's parser refused the request (or it did not arrive in time), so there is no request
 * or response object; the answer is written to the socket as raw HTTP, in the service's JSON error shape,
 * and the connection closed. Nothing is written over a response that has begun (`started` says whether
 * one has), nor to a socket the client already reset.
 */
const answerClientError =
  (started: (socket: Socket) => boolean) =>
  (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code !== 'ECONNRESET' && socket.writable && !started(socket)) {
      const { status, reason, ...body } = CLIENT_ERRORS[error.code ?? ''] ?? BAD_REQUEST;
      const json = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    // After what was written has gone out; at once when nothing was.
    socket.destroySoon();
  };

/**
 * An http.Server that behaves as API Gateway (REST, v1) in front of our routes: route matching with
 * 403 Missing Authentication Token for anything unknown, the 10 MB payload limit, the proxy and
 * authorizer events, Gateway Responses, and the Lambda proxy result written back as HTTP.
 */
export const createGatewayServer = (options: GatewayServerOptions): Server => {
  const maxPayloadBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    // The payload limit is the gateway's first check, whatever the route (as in checkContinue below).
    if ((declaredLength(request) ?? 0) > maxPayloadBytes) {
      refuseTooLarge(request, response, requestId);
      return;
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const segments = segmentsOf(rawPath);
    const match = segments === undefined ? undefined : matchRoute(options.routes, request.method ?? '', segments);
    if (match === undefined || segments === undefined) {
      send(response, gatewayResponse('MISSING_AUTHENTICATION_TOKEN'), requestId);
      return;
    }
    const body = await readBody(request, maxPayloadBytes);
    if (body === 'too-large') {
      refuseTooLarge(request, response, requestId);
      return;
    }
    if (body === 'aborted') return;

    const domainName = options.domainName();
    const sourceIp = sourceIpOf(request);
    const isIam = match.route.spec.auth.type === 'AWS_IAM';
    const principal = request.headers[LOCAL_PRINCIPAL_HEADER];
    const gatewayRequest: GatewayRequest = {
      method: request.method ?? 'GET',
      path: `/${segments.join('/')}`,
      resource: match.route.spec.resource,
      ...(match.pathParameters === undefined ? {} : { pathParameters: match.pathParameters }),
      query: [...new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))],
      headers: headerPairs(request, sourceIp, domainName.split(':').at(-1) ?? ''),
      ...(body.length === 0 ? {} : { body }),
      sourceIp,
      domainName,
      stage: options.stage,
      // On AWS, SigV4 on an AWS_IAM route yields the caller's ARN; elsewhere there is none.
      ...(isIam
        ? { userArn: typeof principal === 'string' && principal !== '' ? principal : DEFAULT_LOCAL_PRINCIPAL }
        : {}),
      requestId,
    };
    const timeouts = {
      ...(options.integrationTimeoutMs === undefined ? {} : { timeoutMs: options.integrationTimeoutMs }),
      ...(options.authorizerTimeoutMs === undefined ? {} : { authorizerTimeoutMs: options.authorizerTimeoutMs }),
    };
    send(response, await invokeRoute(match.route.target, gatewayRequest, timeouts), requestId);
  };

  // The response in progress on each connection: a late parser error must not write over it.
  const responses = new WeakMap<Socket, ServerResponse>();
  const started = (socket: Socket) => responses.get(socket)?.headersSent === true;

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    responses.set(request.socket, response);
    handle(request, response).catch(() => {
      // Only writing the answer can fail here (invokeRoute turns handler failures into 502s): a
      // handler's header value Node refuses, for one. API Gateway would answer 502.
      if (!response.headersSent) send(response, gatewayResponse('DEFAULT_5XX'), randomUUID());
      else response.destroy();
    });
  };

  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      // Node checks the timeouts on this interval (30 s by default): a tenth of the bound, at most 1 s.
      connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(requestTimeout / 10))),
    },
    onRequest,
  );
  server.on('clientError', answerClientError(started));
  // `Expect: 100-continue` (curl sends it for large bodies): refuse an oversized body before it is sent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if ((declaredLength(request) ?? 0) > maxPayloadBytes) {
      refuseBeforeBody(response);
      return;
    }
    response.writeContinue();
    onRequest(request, response);
  });
  return server;
};
