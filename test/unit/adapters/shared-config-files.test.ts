import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { externalDataInterceptor } from '@smithy/core/config';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDynamoDbClient } from '../../../lambda/adapters/dynamodb-client.js';
import { settingsWithoutSharedConfigFiles } from '../../../lambda/adapters/shared-config-files.js';
import { answerInsteadOfSending } from '../../../scripts/bench/stub-transport.js';

/**
 * The settings as a client resolved them, read through its resolved configuration. Not the clock-skew
 * switch: the SDK resolves its default once per process and shares it between clients, so a plain
 * client's answer depends on what ran before it in the worker (it is tested against its selector below).
 */
const resolved = async (client: DynamoDBClient) => {
  const config = client.config;
  return {
    useFipsEndpoint: await config.useFipsEndpoint(),
    useDualstackEndpoint: await config.useDualstackEndpoint(),
    accountIdEndpointMode: await config.accountIdEndpointMode(),
    authSchemePreference: await config.authSchemePreference?.(),
    retryMode: ((await config.retryStrategy()) as { mode?: string }).mode,
    userAgentAppId: await config.userAgentAppId(),
  };
};

/** Where a client sends a GetItem, its transport replaced by an empty answer. */
const hostOf = async (client: DynamoDBClient): Promise<string> => {
  let host = '';
  answerInsteadOfSending(client, (request) => {
    host = request.url.host;
    return {};
  });
  await client.send(new GetItemCommand({ TableName: 'nonces', Key: { pk: { S: 'id' } } }));
  return host;
};

const directory = mkdtempSync(join(tmpdir(), 'shared-config-'));
let run = 0;

/** Paths of files that do not exist, fresh for each test: the SDK caches every file it has tried to read. */
const pointAtAbsentFiles = () => {
  run += 1;
  vi.stubEnv('AWS_CONFIG_FILE', join(directory, `config-${run}`));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(directory, `credentials-${run}`));
  return [join(directory, `config-${run}`), join(directory, `credentials-${run}`)];
};

describe('settings the SDK would look for in the shared config files', () => {
  beforeEach(() => {
    for (const name of [
      'AWS_USE_FIPS_ENDPOINT',
      'AWS_USE_DUALSTACK_ENDPOINT',
      'AWS_ACCOUNT_ID_ENDPOINT_MODE',
      'AWS_AUTH_SCHEME_PREFERENCE',
      'AWS_RETRY_MODE',
      'AWS_DEFAULTS_MODE',
      'AWS_DISABLE_CLOCK_SKEW_CORRECTION',
      'AWS_PROFILE',
      'AWS_SDK_UA_APP_ID',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    ]) {
      vi.stubEnv(name, undefined);
    }
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each([
    ['nothing set', {}],
    [
      'every setting set',
      {
        AWS_USE_FIPS_ENDPOINT: 'true',
        AWS_USE_DUALSTACK_ENDPOINT: 'true',
        AWS_ACCOUNT_ID_ENDPOINT_MODE: 'required',
        AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a, sigv4',
        AWS_RETRY_MODE: 'adaptive',
        AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true',
        AWS_SDK_UA_APP_ID: 'reports-app',
      },
    ],
    ['explicit falses and a defaults mode', { AWS_USE_FIPS_ENDPOINT: 'false', AWS_DEFAULTS_MODE: 'in-region' }],
    [
      'unreadable values, which the SDK passes over for its defaults',
      {
        AWS_USE_FIPS_ENDPOINT: 'yes',
        AWS_ACCOUNT_ID_ENDPOINT_MODE: 'sometimes',
        AWS_DISABLE_CLOCK_SKEW_CORRECTION: '1',
      },
    ],
  ])('without the files, resolves as the SDK does from the environment: %s', async (_name, variables) => {
    pointAtAbsentFiles();
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);

    const ours = await resolved(createDynamoDbClient({ region: 'eu-west-1' }));
    const sdk = await resolved(new DynamoDBClient({ region: 'eu-west-1' }));

    expect(ours).toEqual(sdk);
  });

  it.each([
    ['none configured', {}],
    ['the service endpoint', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8001' }],
    ['the global endpoint', { AWS_ENDPOINT_URL: 'http://127.0.0.1:8002' }],
    ['both', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8001', AWS_ENDPOINT_URL: 'http://127.0.0.1:8002' }],
    ['both, ignored', { AWS_ENDPOINT_URL: 'http://127.0.0.1:8002', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }],
  ])('without the files, sends where the SDK sends from the environment: %s', async (_name, variables) => {
    pointAtAbsentFiles();
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);

    const ours = await hostOf(createDynamoDbClient({ region: 'eu-west-1' }));

    expect(ours).toBe(await hostOf(new DynamoDBClient({ region: 'eu-west-1' })));
  });

  it.each([
    ['unset', undefined, false],
    ['true', 'true', true],
    ['false', 'false', false],
    ['unreadable', '1', false],
  ])('without the files, reads the clock-skew switch %s from the environment', (_name, value, expected) => {
    pointAtAbsentFiles();
    vi.stubEnv('AWS_DISABLE_CLOCK_SKEW_CORRECTION', value);
    expect(settingsWithoutSharedConfigFiles('DynamoDB').disableClockSkewCorrection).toBe(expected);
  });

  it('without the files, sends a request without looking them up (a plain client looks up both)', async () => {
    // The SDK's own hook: every shared-config read asks this record first, so a getter sees each lookup.
    const record = externalDataInterceptor.getFileRecord();
    const lookedUp: string[] = [];
    const watch = (paths: readonly string[]) => {
      for (const path of paths) {
        Object.defineProperty(record, path, {
          configurable: true,
          get: () => {
            lookedUp.push(path);
            return Promise.resolve('');
          },
        });
      }
    };
    const command = () => new GetItemCommand({ TableName: 'nonces', Key: { pk: { S: 'id' } } });
    const oursFiles = pointAtAbsentFiles();
    const sdkFiles = pointAtAbsentFiles();
    watch([...oursFiles, ...sdkFiles]);
    try {
      vi.stubEnv('AWS_CONFIG_FILE', oursFiles[0]);
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', oursFiles[1]);
      await answerInsteadOfSending(createDynamoDbClient({ region: 'eu-west-1' }), () => ({})).send(command());
      vi.stubEnv('AWS_CONFIG_FILE', sdkFiles[0]);
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', sdkFiles[1]);
      await answerInsteadOfSending(new DynamoDBClient({ region: 'eu-west-1' }), () => ({})).send(command());

      expect(lookedUp).toEqual(expect.arrayContaining(sdkFiles));
      expect(lookedUp.filter((path) => oursFiles.includes(path))).toEqual([]);
    } finally {
      for (const path of [...oursFiles, ...sdkFiles]) delete (record as Record<string, unknown>)[path];
    }
  });

  it.each([
    ['config', 'AWS_CONFIG_FILE', '[default]\nuse_fips_endpoint = true\nretry_mode = adaptive\n'],
    ['credentials', 'AWS_SHARED_CREDENTIALS_FILE', '[default]\nuse_fips_endpoint = true\nretry_mode = adaptive\n'],
  ])('with a %s file, leaves every setting to the SDK, which reads it', async (name, variable, content) => {
    pointAtAbsentFiles();
    const path = join(directory, `present-${name}`);
    writeFileSync(path, content);
    vi.stubEnv(variable, path);

    expect(settingsWithoutSharedConfigFiles('DynamoDB')).toEqual({});
    const ours = await resolved(createDynamoDbClient({ region: 'eu-west-1' }));
    expect(ours).toEqual(await resolved(new DynamoDBClient({ region: 'eu-west-1' })));
    expect(ours).toMatchObject({ useFipsEndpoint: true, retryMode: 'adaptive' });
  });
});
