/**
 * Both designs, side by side on one pair of emulators (a table each, one bucket), each behind its own
 * instance of the local API Gateway emulator (the same server, route table and authorizer runner that
 * `npm start` uses). Each design's DynamoDB client carries its own request counter.
 */
import type { Server } from 'node:http';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient } from '../../lambda/adapters/dynamodb-client.js';
import { DynamoDbNonceStore } from '../../lambda/adapters/dynamodb-nonce-store.js';
import { createS3Client } from '../../lambda/adapters/s3-client.js';
import { S3ObjectChecker } from '../../lambda/adapters/s3-object-store.js';
import { presignerFor } from '../../lambda/adapters/s3-presigner.js';
import { makeAccessObjectHandler } from '../../lambda/handlers/access-object.js';
import { makeGenerateUrlHandler } from '../../lambda/handlers/generate-url.js';
import { makeNonceStatusHandler } from '../../lambda/handlers/nonce-status.js';
import { makeRevokeNonceHandler } from '../../lambda/handlers/revoke-nonce.js';
import { makeValidateNonceHandler } from '../../lambda/handlers/validate-nonce.js';
import { loadAccessObjectConfig, loadGenerateUrlConfig } from '../../lambda/shared/config.js';
import { errorJson } from '../../lambda/shared/http.js';
import { createLogger, createNonceMetrics } from '../../lambda/shared/telemetry.js';
import { createNonceTable, type Emulators, LOCAL_REGION } from '../../local/emulators.js';
import type { ProxyHandler } from '../../local/gateway.js';
import type { LoadedHandlers } from '../../local/handler-modules.js';
import { createGatewayServer } from '../../local/http-server.js';
import { closeServer, listen } from '../../local/net.js';
import { bindRoutes, ROUTES } from '../../local/routes.js';
import { makeBaselineHandlers } from './baseline.js';
import { DynamoDbRequestCounter } from './ddb-counter.js';
import { HandlerDurations } from './durations.js';
import { BENCH_TABLES } from './environment.js';
import { NetworkDelay } from './network-delay.js';

export type DesignName = 'ours' | 'baseline';

export interface Design {
  readonly name: DesignName;
  /** http://127.0.0.1:PORT of this design's API. */
  readonly url: string;
  readonly tableName: string;
  readonly counter: DynamoDbRequestCounter;
  readonly durations: HandlerDurations;
  /** Adds a simulated round trip to each of this design's DynamoDB requests while set. */
  readonly networkDelay: NetworkDelay;
  /** The handlers as built here (ours prepare the cold starts' events). */
  readonly handlers: LoadedHandlers;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Each handler timed under the name of the function it stands for. */
const timed = (durations: HandlerDurations, handlers: LoadedHandlers): LoadedHandlers => ({
  'generate-url': durations.wrap('generate-url', handlers['generate-url']),
  'validate-nonce': durations.wrap('validate-nonce', handlers['validate-nonce']),
  'access-object': durations.wrap('access-object', handlers['access-object']),
  'nonce-status': durations.wrap('nonce-status', handlers['nonce-status']),
  'revoke-nonce': durations.wrap('revoke-nonce', handlers['revoke-nonce']),
});

const serve = async (handlers: LoadedHandlers): Promise<{ url: string; server: Server }> => {
  let domainName = '';
  const server = createGatewayServer({
    routes: bindRoutes(ROUTES, handlers),
    stage: 'bench',
    domainName: () => domainName,
  });
  // Longer than any pause between phases: a keep-alive connection the server closes just as the client
  // reuses it would fail a request for a reason that has nothing to do with either design.
  server.keepAliveTimeout = 120_000;
  const port = await listen(server, 0, HOST, 'api');
  domainName = `${HOST}:${port}`;
  return { url: `http://${domainName}`, server };
};

/** The SDK clients exactly as the handler modules build theirs (timeouts, attempts, checksums). */
const clientsFor = (emulators: Emulators, counter: DynamoDbRequestCounter, delay: NetworkDelay) => ({
  dynamoDb: delay.attach(
    counter.attach(createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulators.dynamoDbEndpoint })),
  ),
  s3: createS3Client({ region: LOCAL_REGION, endpoint: emulators.s3Endpoint }),
});

interface Instruments {
  readonly counter: DynamoDbRequestCounter;
  readonly delay: NetworkDelay;
}

/**
 * Our handlers, built by the same factories the deployed modules call, on counted clients: the
 * DocumentClient shares the counted client's middleware stack, and AccessObject presigns without an S3
 * client, with the credentials of the bench's environment.
 */
const oursHandlers = (emulators: Emulators, { counter, delay }: Instruments): LoadedHandlers => {
  const clients = clientsFor(emulators, counter, delay);
  const nonces = new DynamoDbNonceStore(DynamoDBDocumentClient.from(clients.dynamoDb), BENCH_TABLES.ours);
  const checker = new S3ObjectChecker(clients.s3, emulators.bucketName);
  const presigner = presignerFor({
    aws: { region: LOCAL_REGION, s3Endpoint: emulators.s3Endpoint },
    bucketName: emulators.bucketName,
  });
  const log = createLogger();
  const metrics = createNonceMetrics();
  const clock = Date.now;
  const limits = loadGenerateUrlConfig(process.env);
  const { presignTtlSeconds } = loadAccessObjectConfig(process.env);
  return {
    'generate-url': makeGenerateUrlHandler({ nonces, objects: checker, clock, limits, log, metrics }),
    'validate-nonce': makeValidateNonceHandler({ nonces, clock, log, metrics }),
    'access-object': makeAccessObjectHandler({
      nonces,
      objects: presigner,
      clock,
      presignTtlSeconds,
      log,
      metrics,
    }),
    'nonce-status': makeNonceStatusHandler({ nonces, clock, log }),
    'revoke-nonce': makeRevokeNonceHandler({ nonces, clock, log }),
  };
};

/** The original had no management routes: they answer 404 there. */
const absent: ProxyHandler = async () => errorJson(404, 'not_found', 'The original design has no such route.');

const baselineHandlers = async (emulators: Emulators, { counter, delay }: Instruments): Promise<LoadedHandlers> => {
  await createNonceTable(emulators.dynamoDb, BENCH_TABLES.baseline);
  const baseline = makeBaselineHandlers({
    ...clientsFor(emulators, counter, delay),
    tableName: BENCH_TABLES.baseline,
    bucketName: emulators.bucketName,
  });
  return {
    'generate-url': baseline.generate,
    'validate-nonce': baseline.authorize,
    'access-object': baseline.access,
    'nonce-status': absent,
    'revoke-nonce': absent,
  };
};

export const startDesign = async (name: DesignName, emulators: Emulators): Promise<Design> => {
  const instruments = { counter: new DynamoDbRequestCounter(), delay: new NetworkDelay() };
  const durations = new HandlerDurations();
  const handlers =
    name === 'ours' ? oursHandlers(emulators, instruments) : await baselineHandlers(emulators, instruments);
  const { url, server } = await serve(timed(durations, handlers));
  return {
    name,
    url,
    tableName: BENCH_TABLES[name],
    counter: instruments.counter,
    durations,
    networkDelay: instruments.delay,
    handlers,
    stop: () => closeServer(server),
  };
};
