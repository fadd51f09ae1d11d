import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambda/shared/env.js';
import { LOCAL_VARIABLES, loadLocalConfig } from '../../../local/config.js';

describe("local mode's configuration: every variable it reads, checked before anything starts", () => {
  it('takes the documented defaults from an empty environment', () => {
    expect(loadLocalConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      dynamoDbPort: 8000,
      s3Port: 4569,
      tableName: 'presigned-url-nonce-local',
      bucketName: 'presigned-url-nonce-local',
      dynamoDb: 'dynalite',
      logLevel: 'WARN',
      metricsDisabled: true,
      uploadKeyPrefix: 'incoming/',
    });
  });

  it('turns uploads off with UPLOAD_KEY_PREFIX=off, and takes another prefix as the handlers would', () => {
    expect(loadLocalConfig({ UPLOAD_KEY_PREFIX: 'off' })).not.toHaveProperty('uploadKeyPrefix');
    expect(loadLocalConfig({ UPLOAD_KEY_PREFIX: 'drop/box/' }).uploadKeyPrefix).toBe('drop/box/');
  });

  it('reads every variable it documents', () => {
    const config = loadLocalConfig({
      HOST: '::1',
      PORT: '0',
      DYNAMODB_PORT: '8001',
      S3_PORT: '4570',
      TABLE_NAME: 'my.table-1',
      BUCKET_NAME: 'my-bucket.local',
      LOCAL_DATA_DIR: '.local-data',
      LOCAL_DYNAMODB: 'dynamodb-local',
      PUBLIC_BASE_URL: 'http://192.168.1.20:3000/',
      POWERTOOLS_LOG_LEVEL: 'info',
      POWERTOOLS_METRICS_DISABLED: 'off',
      PRESIGN_TTL_SECONDS: '10',
      MAX_EXPIRES_IN_SECONDS: '60',
      MAX_USES_LIMIT: '5',
    });
    expect(config).toMatchObject({
      host: '::1',
      port: 0,
      tableName: 'my.table-1',
      bucketName: 'my-bucket.local',
      dataDir: '.local-data',
      dynamoDb: 'dynamodb-local',
      publicBaseUrl: 'http://192.168.1.20:3000',
      logLevel: 'INFO',
      metricsDisabled: false,
    });
  });

  it.each([
    ['HOST', 'not a host!', /HOST must be an IP address or a host name/],
    ['PORT', '70000', /PORT must be from 0 to 65535/],
    ['S3_PORT', 'x', /S3_PORT must be a whole number/],
    ['TABLE_NAME', 'ab', /TABLE_NAME must be a DynamoDB table name/],
    ['TABLE_NAME', 'nonces!', /TABLE_NAME must be a DynamoDB table name/],
    ['BUCKET_NAME', 'My_Bucket', /BUCKET_NAME must be an S3 bucket name/],
    ['LOCAL_DYNAMODB', 'mongo', /LOCAL_DYNAMODB must be one of dynalite, dynamodb-local, got "mongo"/],
    ['PUBLIC_BASE_URL', 'ftp://files.example.com', /PUBLIC_BASE_URL must be an absolute http\(s\) URL/],
    ['PUBLIC_BASE_URL', 'files.example.com', /PUBLIC_BASE_URL must be an absolute http\(s\) URL/],
    ['PUBLIC_BASE_URL', 'https://files.example.com/?a=1', /PUBLIC_BASE_URL .*query/],
    [
      'POWERTOOLS_LOG_LEVEL',
      'LOUD',
      /POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "LOUD"/,
    ],
    ['POWERTOOLS_LOG_LEVEL', 'toString', /POWERTOOLS_LOG_LEVEL must be one of/],
    ['POWERTOOLS_METRICS_DISABLED', 'maybe', /POWERTOOLS_METRICS_DISABLED must be true or false/],
    ['PRESIGN_TTL_SECONDS', '5', /PRESIGN_TTL_SECONDS must be from 10 to 300/],
    ['MAX_EXPIRES_IN_SECONDS', 'soon', /MAX_EXPIRES_IN_SECONDS must be a whole number/],
    ['MAX_USES_LIMIT', '0', /MAX_USES_LIMIT must be from 1/],
    ['UPLOAD_KEY_PREFIX', 'incoming', /UPLOAD_KEY_PREFIX must end with "\/"/],
    ['UPLOAD_KEY_PREFIX', 'in*/', /UPLOAD_KEY_PREFIX must not contain "\*"/],
    ['UPLOAD_KEY_PREFIX', 'a/../', /UPLOAD_KEY_PREFIX must not have a "\." or "\.\." path segment/],
    ['PRODUCER_KEY_PREFIXES', '{bad', /PRODUCER_KEY_PREFIXES must be a JSON object .*it is not JSON/],
    ['PRODUCER_KEY_PREFIXES', '{"someone": 1}', /PRODUCER_KEY_PREFIXES /],
  ])('refuses %s=%j with a ConfigError naming it', (name, value, message) => {
    const load = () => loadLocalConfig({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('documents every variable it reads in the README configuration table', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:local -->'), readme.indexOf('<!-- /section:local -->'));
    const table = section.slice(section.indexOf('### Configuration'), section.indexOf('### What local mode emulates'));
    for (const name of LOCAL_VARIABLES) expect(table, name).toContain(`\`${name}\``);
  });

  it('lists every variable it reads, for the README and the tests', () => {
    expect([...LOCAL_VARIABLES].sort()).toEqual(
      [
        'HOST',
        'PORT',
        'DYNAMODB_PORT',
        'S3_PORT',
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
      ].sort(),
    );
  });
});
