import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createDynamoDbClient, createS3Client } from '../lambda/adapters/clients.js';

/** The credentials s3rver documents; the AWS CLI and SDKs sign with them against the S3 emulator. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_RESOURCE_NAME = 'presigned-url-nonce-local';
export const SEED_KEY = 'hello.txt';
export const SEED_BODY = 'Hello from presigned-url-nonce local mode!\n';

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
}

export interface Emulators {
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly tableName: string;
  readonly bucketName: string;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  /** Stops the DynamoDB emulator only (fault tests); startDynamoDb brings it back on the same port. */
  stopDynamoDb(): Promise<void>;
  startDynamoDb(): Promise<void>;
  stop(): Promise<void>;
}

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
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

/**
 * Starts the in-process emulators (dynalite for DynamoDB, s3rver for S3), creates the table and the
 * bucket and seeds hello.txt. Clients made here sign with LOCAL_CREDENTIALS.
 */
export const startEmulators = async (options: EmulatorOptions = {}): Promise<Emulators> => {
  const host = options.host ?? '127.0.0.1';
  const tableName = options.tableName ?? LOCAL_RESOURCE_NAME;
  const bucketName = options.bucketName ?? LOCAL_RESOURCE_NAME;
  const dataDir = options.dataDir;
  if (dataDir !== undefined) await mkdir(join(dataDir, 's3'), { recursive: true });
  const s3Dir = dataDir === undefined ? await mkdtemp(join(tmpdir(), 'presigned-url-nonce-s3-')) : join(dataDir, 's3');

  const newDynalite = () =>
    dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(dataDir === undefined ? {} : { path: join(dataDir, 'dynamodb') }),
    });
  const dynamo = newDynalite();
  let dynamoRunning = false;
  const s3rver = new S3rver({ address: host, port: options.s3Port ?? 0, silent: true, directory: s3Dir });

  let dynamoDbPort = options.dynamoDbPort ?? 0;
  try {
    dynamoDbPort = await listen(dynamo, dynamoDbPort, host);
    dynamoRunning = true;
    const s3Address = await s3rver.run();
    const dynamoDbEndpoint = `http://${host}:${dynamoDbPort}`;
    const s3Endpoint = `http://${host}:${s3Address.port}`;
    const dynamoDb = createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamoDbEndpoint });
    const s3 = createS3Client({ region: LOCAL_REGION, endpoint: s3Endpoint });
    await createNonceTable(dynamoDb, tableName);
    await createBucket(s3, bucketName);
    if (options.seed ?? true) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucketName, Key: SEED_KEY, Body: SEED_BODY, ContentType: 'text/plain' }),
      );
    }
    return {
      dynamoDbEndpoint,
      s3Endpoint,
      tableName,
      bucketName,
      dynamoDb,
      s3,
      // dynalite's own close() also closes its store (an in-memory one is lost), so an outage is
      // simulated with the plain http.Server methods: the port goes dark, the data stays.
      async stopDynamoDb() {
        if (!dynamoRunning) return;
        dynamoRunning = false;
        await new Promise<void>((resolve) => {
          Server.prototype.close.call(dynamo, () => resolve());
          dynamo.closeAllConnections();
        });
      },
      async startDynamoDb() {
        if (dynamoRunning) return;
        await new Promise<void>((resolve, reject) => {
          dynamo.once('error', reject);
          Server.prototype.listen.call(dynamo, { port: dynamoDbPort, host }, () => {
            dynamo.off('error', reject);
            resolve();
          });
        });
        dynamoRunning = true;
      },
      async stop() {
        dynamoDb.destroy();
        s3.destroy();
        if (dynamoRunning) await close(dynamo);
        dynamoRunning = false;
        await s3rver.close();
        if (dataDir === undefined) await rm(s3Dir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    if (dynamoRunning) await close(dynamo);
    await s3rver.close().catch(() => undefined);
    if (dataDir === undefined) await rm(s3Dir, { recursive: true, force: true });
    throw error;
  }
};
