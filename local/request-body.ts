import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body up to a limit. Past the limit it stops reading at once, instead of buffering
 * whatever a client sends; the caller answers 413 and decides what becomes of the rest.
 */
export const readBody = (request: IncomingMessage, limitBytes: number): Promise<Buffer | 'too-large' | 'aborted'> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        request.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onAbort = () => {
      cleanup();
      resolve('aborted');
    };
    const cleanup = () => {
      request.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onClose);
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => {
      if (!request.complete) onAbort();
    };
    request.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onClose);
  });
