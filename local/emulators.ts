import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_RESOURCE_NAME, SEED_BODY, SEED_KEY } from './constants.js';
import { startDynalite } from './dynalite-server.js';
import { startDynamoDbLocal } from './dynamodb-local-server.js';
import { type DynamoDbBackend, type DynamoDbServer, dynamoDbBackendFromEnv } from './dynamodb-server.js';
import { closeServer, listen } from './net.js';
import { createPostFront } from './s3-post-front.js';
import { installKeyCodec } from './s3rver-keys.js';

export { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_RESOURCE_NAME, SEED_BODY, SEED_KEY } from './constants.js';

export interface EmulatorOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly dynamoDbPort?: number;
  readonly s3Port?: number;
  readonly tableName?: string;
  readonly bucketName?: string;
  /** Persist both emulators' data here; in memory (a temporary folder for S3) when absent. */
  readonly dataDir?: string;
  /** Upload hello.txt (default true). */
  readonly seed?: boolean;
  /** The DynamoDB engine; default: the LOCAL_DYNAMODB environment variable, else dynalite. */
  readonly dynamoDb?: DynamoDbBackend;
}

export interface Emulators {
  readonly dynamoDbBackend: DynamoDbBackend;
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly tableName: string;
  readonly bucketName: string;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  /** Stops the DynamoDB emulator only (fault tests); startDynamoDb brings it back on the same port, data kept. */
  stopDynamoDb(): Promise<void>;
  startDynamoDb(): Promise<void>;
  /** The same for the S3 emulator: its port goes dark, the objects stay; startS3 brings it back. */
  stopS3(): Promise<void>;
  startS3(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Clients for the emulators that sign with LOCAL_CREDENTIALS whatever the environment holds (the
 * handlers' own clients take theirs from process.env, which local mode sets).
 */
const emulatorClients = (dynamoDbEndpoint: string, s3Endpoint: string) => ({
  dynamoDb: new DynamoDBClient({ region: LOCAL_REGION, endpoint: dynamoDbEndpoint, credentials: LOCAL_CREDENTIALS }),
  s3: new S3Client({
    region: LOCAL_REGION,
    endpoint: s3Endpoint,
    credentials: LOCAL_CREDENTIALS,
    // s3rver serves buckets by path and rejects the SDK's newer default checksums.
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }),
});

/** The nonce table as the CDK stack defines it: partition key `pk` (string), on demand. */
export const createNonceTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error: unknown) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
};

export const createBucket = async (client: S3Client, bucketName: string): Promise<void> => {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  }
};

/** Each engine keeps its own folder: their formats differ, and switching engines must not mix them. */
const startDynamoDb = (backend: DynamoDbBackend, host: string, port: number, dataDir: string | undefined) => {
  const start = backend === 'dynamodb-local' ? startDynamoDbLocal : startDynalite;
  return start({ host, port, ...(dataDir === undefined ? {} : { dataDir: join(dataDir, backend) }) });
};

/**
 * s3rver on an http.Server of our own: s3rver.run() binds without an 'error' listener, so a port in
 * use would crash the process instead of rejecting. s3rver is a Koa app; callback() is its handler.
 */
const startS3 = async (host: string, port: number, directory: string, bucketName: string) => {
  installKeyCodec();
  const s3rver = new S3rver({ silent: true, directory });
  const callback = s3rver.callback();
  // Accepted upload forms reach s3rver here, on loopback; the public port judges them first (s3-post-front.ts).
  const upstream = createServer(callback);
  const upstreamPort = await listen(upstream, 0, '127.0.0.1', 's3');
  const front = await createPostFront({
    bucketName,
    credentials: LOCAL_CREDENTIALS,
    s3rver: callback,
    upstream: () => ({ host: '127.0.0.1', port: upstreamPort }),
  });
  const server = createServer(front.handler);
  let boundPort: number;
  try {
    boundPort = await listen(server, port, host, 's3');
  } catch (error: unknown) {
    await closeServer(upstream);
    await front.close();
    throw error;
  }
  let running = true;
  return {
    port: boundPort,
    // An outage for fault tests: only our http.Server closes; s3rver's store and logger stay open.
    async pause() {
      if (!running) return;
      running = false;
      await closeServer(server);
    },
    async resume() {
      if (running) return;
      await listen(server, boundPort, host, 's3');
      running = true;
    },
    async stop() {
      running = false;
      await Promise.all([closeServer(server), closeServer(upstream)]);
      await front.close();
      s3rver.logger.close();
    },
  };
};

/**
 * Starts the emulators (dynalite in this process or DynamoDB Local in a child; s3rver in this
 * process), creates the table and the bucket and seeds hello.txt. The clients it returns sign with
 * LOCAL_CREDENTIALS. With dataDir, both keep their data there across restarts.
 */
export const startEmulators = async (options: EmulatorOptions = {}): Promise<Emulators> => {
  const host = options.host ?? '127.0.0.1';
  const tableName = options.tableName ?? LOCAL_RESOURCE_NAME;
  const bucketName = options.bucketName ?? LOCAL_RESOURCE_NAME;
  const backend = options.dynamoDb ?? dynamoDbBackendFromEnv(process.env);
  const dataDir = options.dataDir;
  const s3Dir = dataDir === undefined ? await mkdtemp(join(tmpdir(), 'presigned-url-nonce-s3-')) : join(dataDir, 's3');
  if (dataDir !== undefined) await mkdir(s3Dir, { recursive: true });

  let dynamo: DynamoDbServer | undefined;
  let s3: Awaited<ReturnType<typeof startS3>> | undefined;
  const stopServers = async () => {
    await Promise.all([dynamo?.stop(), s3?.stop()]);
    if (dataDir === undefined) await rm(s3Dir, { recursive: true, force: true });
  };
  try {
    // S3 first: it binds at once, so a port in use is reported before a JVM is started.
    s3 = await startS3(host, options.s3Port ?? 0, s3Dir, bucketName);
    dynamo = await startDynamoDb(backend, host, options.dynamoDbPort ?? 0, dataDir);
    const dynamoDbEndpoint = `http://${host}:${dynamo.port}`;
    const s3Endpoint = `http://${host}:${s3.port}`;
    const { dynamoDb: dynamoDbClient, s3: s3Client } = emulatorClients(dynamoDbEndpoint, s3Endpoint);
    const runningDynamo = dynamo;
    const runningS3 = s3;
    try {
      await createNonceTable(dynamoDbClient, tableName);
      await createBucket(s3Client, bucketName);
      if (options.seed ?? true) {
        await s3Client.send(
          new PutObjectCommand({ Bucket: bucketName, Key: SEED_KEY, Body: SEED_BODY, ContentType: 'text/plain' }),
        );
      }
    } catch (error: unknown) {
      dynamoDbClient.destroy();
      s3Client.destroy();
      throw error;
    }
    return {
      dynamoDbBackend: backend,
      dynamoDbEndpoint,
      s3Endpoint,
      tableName,
      bucketName,
      dynamoDb: dynamoDbClient,
      s3: s3Client,
      stopDynamoDb: () => runningDynamo.pause(),
      startDynamoDb: () => runningDynamo.resume(),
      stopS3: () => runningS3.pause(),
      startS3: () => runningS3.resume(),
      async stop() {
        dynamoDbClient.destroy();
        s3Client.destroy();
        await stopServers();
      },
    };
  } catch (error: unknown) {
    await stopServers().catch(() => undefined);
    throw error;
  }
};
