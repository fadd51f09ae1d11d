import { connect, createServer, type Socket } from 'node:net';
import { closeServer, type LocalService, listen } from './net.js';

/**
 * A TCP relay from a public port to a process listening elsewhere on loopback. It gives a child
 * process what an in-process emulator has for free: the public port is bound here (so 0 works and a
 * port in use is reported before the child starts), and it can go dark and come back on the same port
 * while the child keeps its data (fault tests).
 */
export interface TcpRelay {
  readonly port: number;
  /** Refuses new connections and drops open ones; the target keeps running. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpRelayOptions {
  readonly host: string;
  readonly port: number;
  readonly service: LocalService;
  /** Where to connect, looked up per connection; undefined (not started yet) refuses the client. */
  readonly target: () => { readonly host: string; readonly port: number } | undefined;
}

export const startTcpRelay = async (options: TcpRelayOptions): Promise<TcpRelay> => {
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server = createServer((client) => {
    const target = options.target();
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    // Either side failing ends both: the client sees a reset, as it would from the real server.
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  const dropAll = () => {
    for (const socket of open) socket.destroy();
  };

  const port = await listen(server, options.port, options.host, options.service);
  let running = true;
  return {
    port,
    async pause() {
      if (!running) return;
      running = false;
      const closed = closeServer(server);
      dropAll();
      await closed;
    },
    async resume() {
      if (running) return;
      await listen(server, port, options.host, options.service);
      running = true;
    },
    async close() {
      running = false;
      const closed = closeServer(server);
      dropAll();
      await closed;
    },
  };
};
