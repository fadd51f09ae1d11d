import type { APIGatewayProxyResult } from 'aws-lambda';
import { emptyMap } from './events.js';
import { gatewayResponse } from './gateway.js';

export interface HttpResponse {
  readonly statusCode: number;
  /** Header name (as the handler spelled it) → its values. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

type HeaderScalar = string | number | boolean;

const isScalar = (value: unknown): value is HeaderScalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A Lambda proxy result API Gateway can use; anything else it answers with a 502. */
const isValidResult = (result: unknown): result is APIGatewayProxyResult => {
  if (typeof result !== 'object' || result === null) return false;
  const { statusCode, headers, multiValueHeaders, body } = result as Record<string, unknown>;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return false;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return false;
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || !Object.values(headers).every(isScalar)) return false;
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (typeof multiValueHeaders !== 'object') return false;
    const lists = Object.values(multiValueHeaders);
    if (!lists.every((list) => Array.isArray(list) && list.every(isScalar))) return false;
  }
  return true;
};

/** Framing is the gateway's business: a handler's values for these are dropped and recomputed. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * `headers` and `multiValueHeaders` merged as API Gateway merges them: both lists kept, a pair given in
 * both appearing once. Names compare case-insensitively; the first spelling seen is kept.
 */
const mergeHeaders = (result: APIGatewayProxyResult): Map<string, { name: string; values: string[] }> => {
  const merged = new Map<string, { name: string; values: string[] }>();
  const add = (name: string, value: HeaderScalar) => {
    if (FRAMING_HEADERS.has(name.toLowerCase())) return;
    const entry = merged.get(name.toLowerCase()) ?? { name, values: [] };
    if (!entry.values.includes(String(value))) entry.values.push(String(value));
    merged.set(name.toLowerCase(), entry);
  };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    for (const value of values) add(name, value);
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) add(name, value);
  return merged;
};

/**
 * A Lambda proxy result as API Gateway writes it to the client: the status code, the merged headers
 * (Content-Type application/json when the handler set none, as API Gateway defaults it), the request
 * id header, and the body decoded from base64 when isBase64Encoded says so, with its length.
 */
export const toHttpResponse = (candidate: unknown, requestId: string): HttpResponse => {
  const result = isValidResult(candidate) ? candidate : gatewayResponse('DEFAULT_5XX');
  const merged = mergeHeaders(result);
  if (!merged.has('content-type')) merged.set('content-type', { name: 'Content-Type', values: ['application/json'] });
  merged.set('x-amzn-requestid', { name: 'x-amzn-RequestId', values: [requestId] });
  const headers = emptyMap<string[]>();
  for (const { name, values } of merged.values()) headers[name] = values;
  const text = result.body ?? '';
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  headers['Content-Length'] = [String(body.length)];
  return { statusCode: result.statusCode, headers, body };
};
