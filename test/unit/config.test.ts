import { describe, expect, it } from 'vitest';
import { loadAccessObjectConfig, loadGenerateUrlConfig, loadTableConfig } from '../../lambda/shared/config.js';

const base = { TABLE_NAME: 'nonces', BUCKET_NAME: 'objects' };

describe('configuration, parsed once and failing fast with the variable name', () => {
  it('takes the documented defaults', () => {
    expect(loadGenerateUrlConfig(base)).toMatchObject({ maxExpiresInSeconds: 604_800, maxUsesLimit: 100 });
    expect(loadAccessObjectConfig(base).presignTtlSeconds).toBe(60);
    expect(loadAccessObjectConfig({ ...base, PRESIGN_TTL_SECONDS: '10' }).presignTtlSeconds).toBe(10);
    expect(loadTableConfig(base).tableName).toBe('nonces');
  });

  it('reads the endpoint overrides and a public base URL without its trailing slash', () => {
    const config = loadGenerateUrlConfig({
      ...base,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      PUBLIC_BASE_URL: 'https://files.example.com/',
    });
    expect(config.aws).toEqual({ dynamoDbEndpoint: 'http://127.0.0.1:8000', s3Endpoint: 'http://127.0.0.1:4569' });
    expect(config.publicBaseUrl).toBe('https://files.example.com');
  });

  it.each([
    [() => loadTableConfig({}), /TABLE_NAME is required/],
    [() => loadGenerateUrlConfig({ TABLE_NAME: 'nonces' }), /BUCKET_NAME is required/],
    [
      () => loadAccessObjectConfig({ ...base, PRESIGN_TTL_SECONDS: '301' }),
      /PRESIGN_TTL_SECONDS must be from 10 to 300/,
    ],
    [() => loadAccessObjectConfig({ ...base, PRESIGN_TTL_SECONDS: '0' }), /PRESIGN_TTL_SECONDS must be from 10 to 300/],
    [() => loadAccessObjectConfig({ ...base, PRESIGN_TTL_SECONDS: '9' }), /PRESIGN_TTL_SECONDS must be from 10 to 300/],
    [
      () => loadAccessObjectConfig({ ...base, PRESIGN_TTL_SECONDS: '1.5' }),
      /PRESIGN_TTL_SECONDS must be a whole number/,
    ],
    [() => loadGenerateUrlConfig({ ...base, MAX_USES_LIMIT: 'many' }), /MAX_USES_LIMIT must be a whole number/],
    [
      () => loadGenerateUrlConfig({ ...base, MAX_EXPIRES_IN_SECONDS: '-5' }),
      /MAX_EXPIRES_IN_SECONDS must be a whole number/,
    ],
    [
      () => loadGenerateUrlConfig({ ...base, PUBLIC_BASE_URL: 'files.example.com' }),
      /PUBLIC_BASE_URL must be an absolute/,
    ],
    [() => loadGenerateUrlConfig({ ...base, DYNAMODB_ENDPOINT: 'ftp://x' }), /DYNAMODB_ENDPOINT must be an absolute/],
  ])('%#: refuses a bad environment', (load, message) => {
    expect(load).toThrow(message);
  });
});
