/**
 * Wall time of each handler invocation, by function, while recording is on: what Lambda would bill as
 * the invocation's duration (the bench measures it in a sequential pass, one request at a time, as one
 * Lambda execution environment serves them).
 */
export class HandlerDurations {
  private recording = false;
  private readonly samples = new Map<string, number[]>();

  wrap<E, R>(name: string, handler: (event: E) => Promise<R>): (event: E) => Promise<R> {
    return async (event) => {
      if (!this.recording) return handler(event);
      const started = performance.now();
      try {
        return await handler(event);
      } finally {
        const list = this.samples.get(name) ?? [];
        list.push(performance.now() - started);
        this.samples.set(name, list);
      }
    };
  }

  /** Starts a fresh recording. */
  start(): void {
    this.samples.clear();
    this.recording = true;
  }

  stop(): ReadonlyMap<string, readonly number[]> {
    this.recording = false;
    return new Map(this.samples);
  }
}
