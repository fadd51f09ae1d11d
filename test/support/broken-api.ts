import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deliberately broken stand-in for the API, for `smoke` to fail against: it speaks the contract
 * except for two defects a real regression could bring.
 * - Redemption never consumes: a nonce redeems again and again (replays, and every concurrent
 *   redemption, succeed).
 * - A missing nonce is answered 401 with a plain-text body instead of the JSON error shape.
 * Everything else (mint, redirect headers, JSON mode, HEAD, status, revoke, 403s) is as the contract says,
 * so exactly the checks that see these defects fail. The object it serves is its own, at /object.
 */

export const BROKEN_OBJECT = 'the stand-in object\n';

interface Minted {
  readonly nonce: string;
  readonly key: string;
  readonly maxUses: number;
  readonly expiresAt: string;
  readonly createdAt: string;
}

export interface BrokenApi {
  readonly url: string;
  /** Every nonce it minted, live or not. */
  readonly minted: () => readonly string[];
  /** The nonceIds not revoked: what smoke left behind. */
  readonly live: () => readonly string[];
  close(): Promise<void>;
}

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
};

const refuse = (response: ServerResponse, status: number, error: string) =>
  send(response, status, { error, message: `Refused: ${error}.` });

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startBrokenApi = async (): Promise<BrokenApi> => {
  const nonces = new Map<string, Minted>();
  const all: string[] = [];
  let url = '';

  const redeem = (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => {
    const nonce = query.get('nonce');
    if (nonce === null || nonce === '') {
      // Defect 2: not the JSON error shape.
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end('Unauthorized');
      return;
    }
    const minted = nonces.get(base64url(createHash('sha256').update(nonce).digest()));
    if (!/^[A-Za-z0-9_-]{43}$/.test(nonce) || minted === undefined || request.method !== 'GET') {
      refuse(response, 403, 'nonce_invalid');
      return;
    }
    // Defect 1: nothing is consumed.
    const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
    if (request.headers.accept?.startsWith('application/json')) {
      send(response, 200, { url: `${url}/object`, expiresAt: new Date(Date.now() + 60_000).toISOString() }, headers);
      return;
    }
    response.writeHead(302, { ...headers, location: `${url}/object` });
    response.end();
  };

  const manage = (request: IncomingMessage, response: ServerResponse, nonceId: string) => {
    const minted = nonces.get(nonceId);
    if (minted === undefined) return refuse(response, 404, 'not_found');
    if (request.method === 'DELETE') {
      nonces.delete(nonceId);
      response.writeHead(204).end();
      return;
    }
    const { nonce: _secret, ...status } = minted;
    send(response, 200, { nonceId, ...status, usesLeft: minted.maxUses });
  };

  const server = createServer(async (request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://stand-in');
    if (request.method === 'POST' && pathname === '/generate-url') {
      const {
        key,
        maxUses = 1,
        expiresInSeconds = 3600,
      } = JSON.parse(await readBody(request)) as {
        key: string;
        maxUses?: number;
        expiresInSeconds?: number;
      };
      const nonce = base64url(randomBytes(32));
      const nonceId = base64url(createHash('sha256').update(nonce).digest());
      const expiresAt = new Date(Date.now() + expiresInSeconds * 1000).toISOString();
      nonces.set(nonceId, { nonce, key, maxUses, expiresAt, createdAt: new Date().toISOString() });
      all.push(nonce);
      send(response, 201, { nonce, nonceId, accessUrl: `${url}/access-object?nonce=${nonce}`, expiresAt, maxUses });
      return;
    }
    if (pathname === '/access-object') return redeem(request, response, searchParams);
    const id = /^\/nonces\/([^/]+)$/.exec(pathname)?.[1];
    if (id !== undefined && (request.method === 'GET' || request.method === 'DELETE')) {
      return manage(request, response, id);
    }
    if (request.method === 'GET' && pathname === '/object') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(BROKEN_OBJECT);
      return;
    }
    refuse(response, 403, 'missing_authentication_token');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    minted: () => [...all],
    live: () => [...nonces.keys()],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
};
