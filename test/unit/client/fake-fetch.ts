import type { FetchLike } from '../../../client/index.js';

/** One request as the client handed it to fetch. */
export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly redirect?: RequestInit['redirect'];
}

export type Responder = (request: RecordedRequest, index: number) => Response | Promise<Response>;

/** A fetch that records every request and answers with `responder`; no network. */
export const fakeFetch = (responder: Responder): { readonly calls: RecordedRequest[]; readonly fetch: FetchLike } => {
  const calls: RecordedRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([name, value]) => [
        name.toLowerCase(),
        value,
      ]),
    );
    const request: RecordedRequest = {
      url: input,
      method: init.method ?? 'GET',
      headers,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      ...(init.redirect === undefined ? {} : { redirect: init.redirect }),
    };
    calls.push(request);
    return responder(request, calls.length - 1);
  };
  return { calls, fetch };
};

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const errorResponse = (status: number, error: string, headers: Record<string, string> = {}): Response =>
  jsonResponse(status, { error, message: `The ${error} message.` }, headers);

/** A 43-character base64url id, as the API mints them. */
export const NONCE_ID = 'n0nceIdn0nceIdn0nceIdn0nceIdn0nceIdn0nceId0';
export const NONCE = 'abcdefghijabcdefghijabcdefghijabcdefghij_-0';

export const generatedBody = (endpoint = 'https://api.example.com/prod') => ({
  nonce: NONCE,
  nonceId: NONCE_ID,
  accessUrl: `${endpoint}/access-object?nonce=${NONCE}`,
  expiresAt: '2030-01-01T01:00:00.000Z',
  maxUses: 2,
  operation: 'download',
});

export const statusBody = () => ({
  nonceId: NONCE_ID,
  key: 'reports/q1.pdf',
  expiresAt: '2030-01-01T01:00:00.000Z',
  maxUses: 2,
  usesLeft: 1,
  createdAt: '2030-01-01T00:00:00.000Z',
  confirm: false,
  operation: 'download',
});

/** A sleep that returns at once and remembers what it was asked to wait. */
export const recordingSleep = (): { readonly delays: number[]; readonly sleep: (ms: number) => Promise<void> } => {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
};
