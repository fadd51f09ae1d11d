/**
 * HTTP calls to the local stack and the checks every adversarial test applies to an answer. node:http
 * with a keep-alive agent rather than fetch: these suites send tens of thousands of requests, and it
 * costs about half the CPU per request, which the server under test shares with this client.
 */
import { Agent, request } from 'node:http';
import { SEED_KEY } from '../../local/constants.js';
import { LOCAL_PRINCIPAL_HEADER } from '../../local/http-server.js';

export interface Answer {
  readonly status: number;
  /** Lower-case names; repeated headers joined as Node joins them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface SendInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const isReset = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'ECONNRESET';

/**
 * Sends one request. The URL goes through the WHATWG parser first, as fetch would send it: characters
 * a request line cannot carry (spaces, quotes, non-ASCII) are percent-encoded, the rest is kept as given.
 */
export const send = (url: string, init: SendInit = {}, retried = false): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        headers: init.headers,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error) => {
      // A kept-alive socket the server closed as it was reused: Node's documented race, retried once.
      if (!retried && outgoing.reusedSocket && isReset(error)) send(url, init, true).then(resolve, reject);
      else reject(error);
    });
    outgoing.end(init.body);
  });

/**
 * Why an error answer is not in the service's error shape, or undefined when it is: a JSON content type
 * and a body of exactly {error, message}, both strings. (Which statuses are acceptable is each test's.)
 */
export const errorShapeProblem = (answer: Answer): string | undefined => {
  const contentType = answer.headers['content-type'] ?? '';
  if (!/^application\/json\b/.test(contentType)) return `content type ${contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `a body that is not JSON: ${answer.body.slice(0, 80)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'a body that is not an object';
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'error,message') return `body keys ${keys}`;
  const { error, message } = body as Record<string, unknown>;
  if (typeof error !== 'string' || typeof message !== 'string') return 'error or message is not a string';
  return undefined;
};

export const errorCodeOf = (answer: Answer): unknown => (JSON.parse(answer.body) as { error?: unknown }).error;

export interface Minted {
  readonly nonce: string;
  readonly nonceId: string;
  readonly accessUrl: string;
  readonly expiresAt: string;
  readonly maxUses: number;
}

/** POST /generate-url for the seeded object; `minted` when the answer is the 201. */
export const mint = async (
  baseUrl: string,
  fields: Record<string, unknown> = {},
  principal?: string,
): Promise<{ answer: Answer; minted?: Minted }> => {
  const answer = await send(`${baseUrl}/generate-url`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(principal === undefined ? {} : { [LOCAL_PRINCIPAL_HEADER]: principal }),
    },
    body: JSON.stringify({ key: SEED_KEY, ...fields }),
  });
  return answer.status === 201 ? { answer, minted: JSON.parse(answer.body) as Minted } : { answer };
};

export const redeem = (baseUrl: string, nonce: string): Promise<Answer> =>
  send(`${baseUrl}/access-object?nonce=${encodeURIComponent(nonce)}`);

/** GET (status) or DELETE (revoke) /nonces/{nonceId} as `principal`; none given is local mode's default creator. */
export const manage = (baseUrl: string, method: 'GET' | 'DELETE', nonceId: string, principal?: string) =>
  send(`${baseUrl}/nonces/${encodeURIComponent(nonceId)}`, {
    method,
    headers: principal === undefined ? {} : { [LOCAL_PRINCIPAL_HEADER]: principal },
  });
