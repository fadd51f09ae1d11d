import { isIP } from 'node:net';
import { loadAccessObjectConfig, loadGenerateUrlConfig } from '../lambda/shared/config.js';
import { ConfigError, type Env, integerInRange, optionalString, optionalUrl } from '../lambda/shared/env.js';
import { BUCKET_NAME } from '../lib/context.js';
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
  /** accessUrl's base, as the stack's publicBaseUrl; else http://HOST:PORT. */
  readonly publicBaseUrl?: string;
  /** The handlers' Powertools log level, upper-cased (the Logger ignores a lower-case one). */
  readonly logLevel: LogLevel;
  readonly metricsDisabled: boolean;
  /** Where upload nonces may put objects, as the stack's uploadKeyPrefix; absent: uploads disabled. */
  readonly uploadKeyPrefix?: string;
}

/** The variable that sets each service's port: what a port-in-use message tells the user to change. */
export const PORT_VARIABLES = { api: 'PORT', dynamodb: 'DYNAMODB_PORT', s3: 'S3_PORT' } as const;

/** Every variable local mode reads; each is checked by loadLocalConfig (the README's table lists them). */
export const LOCAL_VARIABLES = [
  'HOST',
  PORT_VARIABLES.api,
  PORT_VARIABLES.dynamodb,
  PORT_VARIABLES.s3,
  'TABLE_NAME',
  'BUCKET_NAME',
  'LOCAL_DATA_DIR',
  'LOCAL_DYNAMODB',
  'PUBLIC_BASE_URL',
  'PRESIGN_TTL_SECONDS',
  'MAX_EXPIRES_IN_SECONDS',
  'MAX_USES_LIMIT',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  'UPLOAD_KEY_PREFIX',
  'PRODUCER_KEY_PREFIXES',
] as const;

/** Local mode's upload key prefix when UPLOAD_KEY_PREFIX is unset; `off` turns uploads off. */
export const DEFAULT_UPLOAD_KEY_PREFIX = 'incoming/';
export const UPLOADS_OFF = 'off';

/** The levels Powertools Logger knows (its LogLevel), least to most severe, then SILENT. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// What Powertools reads as a boolean POWERTOOLS_METRICS_DISABLED (its extended parsing), any case.
const TRUTHY = ['1', 'y', 'yes', 't', 'true', 'on'];
const FALSY = ['0', 'n', 'no', 'f', 'false', 'off'];

// DynamoDB table names: 3 to 255 of a-z, A-Z, 0-9, "_", "-" and ".".
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const port = (env: Env, name: string, fallback: number): number =>
  integerInRange(env, name, { fallback, min: 0, max: 65_535 });

const host = (env: Env): string => {
  const value = optionalString(env, 'HOST') ?? '127.0.0.1';
  if (isIP(value) === 0 && !HOST_NAME.test(value)) {
    throw new ConfigError('HOST', `must be an IP address or a host name, got "${value}".`);
  }
  return value;
};

const matching = (env: Env, name: string, pattern: RegExp, what: string): string => {
  const value = optionalString(env, name) ?? LOCAL_RESOURCE_NAME;
  if (!pattern.test(value)) throw new ConfigError(name, `must be ${what}, got "${value}".`);
  return value;
};

const publicBaseUrl = (env: Env): string | undefined => {
  const value = optionalUrl(env, 'PUBLIC_BASE_URL');
  if (value === undefined) return undefined;
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('PUBLIC_BASE_URL', `must have no query, fragment or credentials, got "${value}".`);
  }
  return value;
};

const logLevel = (env: Env): LogLevel => {
  const value = optionalString(env, 'POWERTOOLS_LOG_LEVEL') ?? 'WARN';
  const level = LOG_LEVELS.find((candidate) => candidate === value.trim().toUpperCase());
  if (level === undefined) {
    throw new ConfigError('POWERTOOLS_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${value}".`);
  }
  return level;
};

const metricsDisabled = (env: Env): boolean => {
  const value = optionalString(env, 'POWERTOOLS_METRICS_DISABLED') ?? 'true';
  const normalised = value.trim().toLowerCase();
  if (TRUTHY.includes(normalised)) return true;
  if (FALSY.includes(normalised)) return false;
  throw new ConfigError('POWERTOOLS_METRICS_DISABLED', `must be true or false, got "${value}".`);
};

const dynamoDbBackend = (env: Env): DynamoDbBackend => {
  try {
    return dynamoDbBackendFromEnv(env);
  } catch (error: unknown) {
    throw new ConfigError(
      'LOCAL_DYNAMODB',
      (error instanceof Error ? error.message : String(error)).replace(/^LOCAL_DYNAMODB /, ''),
    );
  }
};

/**
 * UPLOAD_KEY_PREFIX: `incoming/` by default (local mode lets you try uploads at once), `off` for none (as a
 * stack deployed without uploadKeyPrefix), else a prefix checked by the handlers' own rule (config.ts).
 */
const uploadKeyPrefix = (env: Env): string | undefined => {
  const value = optionalString(env, 'UPLOAD_KEY_PREFIX') ?? DEFAULT_UPLOAD_KEY_PREFIX;
  return value === UPLOADS_OFF ? undefined : value;
};

/**
 * The handlers' own limits, checked now with the handlers' own loaders rather than when their modules
 * load, after the emulators (and perhaps a JVM) have started.
 */
const checkHandlerLimits = (env: Env, tableName: string, bucketName: string, uploadPrefix?: string): void => {
  const handlerEnv: Env = {
    TABLE_NAME: tableName,
    BUCKET_NAME: bucketName,
    UPLOAD_KEY_PREFIX: uploadPrefix,
    PRESIGN_TTL_SECONDS: env.PRESIGN_TTL_SECONDS,
    MAX_EXPIRES_IN_SECONDS: env.MAX_EXPIRES_IN_SECONDS,
    MAX_USES_LIMIT: env.MAX_USES_LIMIT,
    PRODUCER_KEY_PREFIXES: env.PRODUCER_KEY_PREFIXES,
  };
  loadAccessObjectConfig(handlerEnv);
  loadGenerateUrlConfig(handlerEnv);
};

/** Parsed once at start-up; a bad value fails with the variable's name (ConfigError). */
export const loadLocalConfig = (env: Env): LocalConfig => {
  const dataDir = optionalString(env, 'LOCAL_DATA_DIR');
  const tableName = matching(env, 'TABLE_NAME', TABLE_NAME, 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ - .)');
  const bucketName = matching(env, 'BUCKET_NAME', BUCKET_NAME, 'an S3 bucket name (3 to 63 of a-z 0-9 . -)');
  const uploadPrefix = uploadKeyPrefix(env);
  checkHandlerLimits(env, tableName, bucketName, uploadPrefix);
  const baseUrl = publicBaseUrl(env);
  return {
    host: host(env),
    port: port(env, PORT_VARIABLES.api, 3000),
    dynamoDbPort: port(env, PORT_VARIABLES.dynamodb, 8000),
    s3Port: port(env, PORT_VARIABLES.s3, 4569),
    tableName,
    bucketName,
    ...(dataDir === undefined ? {} : { dataDir }),
    dynamoDb: dynamoDbBackend(env),
    ...(baseUrl === undefined ? {} : { publicBaseUrl: baseUrl }),
    logLevel: logLevel(env),
    metricsDisabled: metricsDisabled(env),
    ...(uploadPrefix === undefined ? {} : { uploadKeyPrefix: uploadPrefix }),
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
