import { fetchOrThrow } from '../../client/http.js';
import type { FetchLike } from '../../client/index.js';

/** One HTTP answer, read whole: smoke's requests and answers are small. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export const textOf = (answer: Answer): string => new TextDecoder().decode(answer.body);

/** The body as JSON, or undefined when it is not JSON. */
export const jsonOf = (answer: Answer): unknown => {
  try {
    return JSON.parse(textOf(answer)) as unknown;
  } catch {
    return undefined;
  }
};

/** The `error` code of a JSON error body; undefined when the body is not JSON or has none. */
export const errorCodeOf = (answer: Answer): string | undefined => {
  const body = jsonOf(answer);
  if (typeof body !== 'object' || body === null) return undefined;
  const { error } = body as { error?: unknown };
  return typeof error === 'string' ? error : undefined;
};

/** `403 nonce_invalid`, or `403` when the body carries no code: for details. */
export const describeAnswer = (answer: Answer): string => {
  const code = errorCodeOf(answer);
  return code === undefined ? String(answer.status) : `${answer.status} ${code}`;
};

/**
 * Bounds every request, the reading of its body included (fetch aborts the body stream with the
 * signal), so a smoke run never hangs on an endpoint that accepts a connection and never answers.
 */
export const withTimeout =
  (fetchFn: FetchLike, timeoutMs: number): FetchLike =>
  (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetchFn(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };

/** Sends and reads the whole answer; no answer at all is the client's NetworkError, naming the origin only. */
export const exchange = async (fetchFn: FetchLike, url: string, init: RequestInit): Promise<Answer> => {
  const response = await fetchOrThrow(fetchFn, url, init);
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
};
