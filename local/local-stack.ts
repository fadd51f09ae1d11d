import type { Server } from 'node:http';
import type { LocalConfig } from './config.js';
import { type Emulators, startEmulators } from './emulators.js';
import { CONFLICTING_AWS_VARIABLES, handlerEnvironment } from './handler-environment.js';
import { loadHandlers } from './handler-modules.js';
import { createGatewayServer } from './http-server.js';
import { closeServer, listen } from './net.js';
import { bindRoutes, ROUTES } from './routes.js';

/** The stage in method ARNs; routes are served at the root, so it appears in no URL. */
export const LOCAL_STAGE = 'local';

export interface LocalStack {
  /** http://HOST:PORT with the real port. */
  readonly url: string;
  readonly emulators: Emulators;
  stop(): Promise<void>;
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * Everything `npm start` runs, in this process: the emulators, then the deployed handler modules
 * (imported only once process.env points them at the emulators), then the API Gateway emulator. A port
 * in use rejects with PortInUseError; bin/local.ts probes the ports first to fail before any of it.
 */
export const startLocalStack = async (config: LocalConfig): Promise<LocalStack> => {
  const emulators = await startEmulators({
    host: config.host,
    dynamoDbPort: config.dynamoDbPort,
    s3Port: config.s3Port,
    tableName: config.tableName,
    bucketName: config.bucketName,
    dynamoDb: config.dynamoDb,
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
  });
  let server: Server | undefined;
  try {
    for (const name of CONFLICTING_AWS_VARIABLES) delete process.env[name];
    Object.assign(process.env, handlerEnvironment(config, emulators));
    const handlers = await loadHandlers();
    let domainName = '';
    server = createGatewayServer({
      routes: bindRoutes(ROUTES, handlers),
      stage: LOCAL_STAGE,
      domainName: () => domainName,
    });
    const port = await listen(server, config.port, config.host, 'api');
    domainName = `${hostForUrl(config.host)}:${port}`;
    const api = server;
    return {
      url: `http://${domainName}`,
      emulators,
      async stop() {
        await closeServer(api);
        await emulators.stop();
      },
    };
  } catch (error: unknown) {
    if (server !== undefined) await closeServer(server);
    await emulators.stop();
    throw error;
  }
};
