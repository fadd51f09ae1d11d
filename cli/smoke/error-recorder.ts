import type { FetchLike } from '../../client/index.js';

/** An error answer from the API, kept for the `error-bodies` check. */
export interface RecordedError {
  /** The check that sent the request. */
  readonly check: string;
  readonly method: string;
  /** Path only: an access URL's query string holds the nonce. */
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  /** Undefined when the body could not be read (a timeout, a reset). */
  readonly text: string | undefined;
}

/**
 * Wraps the fetch every request to the API goes through (the producer client's and smoke's own) and
 * keeps a copy of each error answer (status ≥ 400; HEAD has no body), labelled with the check running at
 * the time. The checks run one after the other, so one `current` label is enough.
 */
export class ErrorRecorder {
  current = '';
  private readonly pending: Promise<void>[] = [];
  private readonly recorded: RecordedError[] = [];

  wrap(fetchFn: FetchLike): FetchLike {
    return async (input, init) => {
      const response = await fetchFn(input, init);
      const method = init.method ?? 'GET';
      if (response.status >= 400 && method !== 'HEAD') {
        const base = {
          check: this.current,
          method,
          path: new URL(input).pathname,
          status: response.status,
          contentType: response.headers.get('content-type'),
        };
        // A clone: the caller reads (or cancels) its own copy of the body.
        this.pending.push(
          response
            .clone()
            .text()
            .then(
              (text) => {
                this.recorded.push({ ...base, text });
              },
              () => {
                this.recorded.push({ ...base, text: undefined });
              },
            ),
        );
      }
      return response;
    };
  }

  /** Every error answer so far, once their bodies are read. */
  async errors(): Promise<readonly RecordedError[]> {
    await Promise.all(this.pending);
    return this.recorded;
  }
}
