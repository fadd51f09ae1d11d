import { createServer, type Server } from 'node:net';

/** Which local service could not bind its port; bin/local.ts names the variable to change from it. */
export type LocalService = 'api' | 'dynamodb' | 's3';

export class PortInUseError extends Error {
  constructor(
    readonly service: LocalService,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${host}:${port} is already in use (${service})`);
    this.name = 'PortInUseError';
  }
}

const isAddressInUse = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE';

/**
 * Binds a server and resolves with the port it got (the real one when `port` is 0). A port in use
 * rejects with PortInUseError instead of the bare EADDRINUSE, so the caller can say which service.
 */
export const listen = (server: Server, port: number, host: string, service: LocalService): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(isAddressInUse(error) ? new PortInUseError(service, host, port) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });

/** Closes a server and drops its open (keep-alive) connections instead of waiting for them. */
export const closeServer = (server: Server & { closeAllConnections?: () => void }): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections?.();
  });

/**
 * A port that was free a moment ago, for a process that cannot take port 0 itself (DynamoDB Local
 * insists on 1–65535). Another process may take it in between: callers retry on a bind failure.
 */
export const freePort = async (host = '127.0.0.1'): Promise<number> => {
  const probe = createServer();
  const port = await listen(probe, 0, host, 'api');
  await closeServer(probe);
  return port;
};

/** Fails with PortInUseError when the port is taken now (it may still be taken later: bind for real). */
export const assertPortFree = async (host: string, port: number, service: LocalService): Promise<void> => {
  const probe = createServer();
  await listen(probe, port, host, service);
  await closeServer(probe);
};
