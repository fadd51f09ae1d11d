import { type Env, integerInRange, optionalString } from '../lambda/shared/env.js';
import { LOCAL_RESOURCE_NAME } from './constants.js';
import { type DynamoDbBackend, dynamoDbBackendFromEnv } from './dynamodb-server.js';
import type { LocalService } from './net.js';

/** Local mode's own settings (the handlers read theirs, e.g. PRESIGN_TTL_SECONDS, when they load). */
export interface LocalConfig {
  readonly host: string;
  /** 0 picks a free port, for each of the three. */
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly s3Port: number;
  readonly tableName: string;
  readonly bucketName: string;
  /** Both emulators persist here across restarts; in memory when unset. */
  readonly dataDir?: string;
  readonly dynamoDb: DynamoDbBackend;
}

/** The variable that sets each service's port: what a port-in-use message tells the user to change. */
export const PORT_VARIABLES = { api: 'PORT', dynamodb: 'DYNAMODB_PORT', s3: 'S3_PORT' } as const;

const port = (env: Env, name: string, fallback: number): number =>
  integerInRange(env, name, { fallback, min: 0, max: 65_535 });

/** Parsed once at start-up; a bad value fails with the variable's name (ConfigError). */
export const loadLocalConfig = (env: Env): LocalConfig => {
  const dataDir = optionalString(env, 'LOCAL_DATA_DIR');
  return {
    host: optionalString(env, 'HOST') ?? '127.0.0.1',
    port: port(env, PORT_VARIABLES.api, 3000),
    dynamoDbPort: port(env, PORT_VARIABLES.dynamodb, 8000),
    s3Port: port(env, PORT_VARIABLES.s3, 4569),
    tableName: optionalString(env, 'TABLE_NAME') ?? LOCAL_RESOURCE_NAME,
    bucketName: optionalString(env, 'BUCKET_NAME') ?? LOCAL_RESOURCE_NAME,
    ...(dataDir === undefined ? {} : { dataDir }),
    dynamoDb: dynamoDbBackendFromEnv(env),
  };
};

/** The fixed ports of a configuration, by the service that will bind each (0, any port, is never taken). */
export const fixedPorts = (config: LocalConfig): [LocalService, number][] =>
  (
    [
      ['api', config.port],
      ['dynamodb', config.dynamoDbPort],
      ['s3', config.s3Port],
    ] as [LocalService, number][]
  ).filter(([, port]) => port !== 0);
