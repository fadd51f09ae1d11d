import { Server } from 'node:http';
import dynalite from 'dynalite';
import type { DynamoDbServer, DynamoDbServerOptions } from './dynamodb-server.js';
import { closeServer, listen } from './net.js';

/** dynalite, in this process: in memory, or a LevelDB folder when dataDir is given. */
export const startDynalite = async (options: DynamoDbServerOptions): Promise<DynamoDbServer> => {
  const server = dynalite({
    // The real service takes seconds to create a table; tests and `npm start` should not wait.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
  });
  const port = await listen(server, options.port, options.host, 'dynamodb');
  let running = true;
  return {
    backend: 'dynalite',
    port,
    // dynalite's own close() also closes its store (an in-memory one is lost), so an outage is
    // simulated with the plain http.Server methods: the port goes dark, the data stays.
    async pause() {
      if (!running) return;
      running = false;
      await new Promise<void>((resolve) => {
        Server.prototype.close.call(server, () => resolve());
        server.closeAllConnections();
      });
    },
    async resume() {
      if (running) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        Server.prototype.listen.call(server, { port, host: options.host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      running = true;
    },
    async stop() {
      if (!running) return;
      running = false;
      // dynalite's close(): flushes and closes a LevelDB store, so the data is there on the next start.
      await closeServer(server);
    },
  };
};
