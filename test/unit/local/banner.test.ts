import { describe, expect, it } from 'vitest';
import { bannerLines, UNAUTHENTICATED_WARNING } from '../../../local/banner.js';
import { loadLocalConfig } from '../../../local/config.js';
import type { LocalStack } from '../../../local/local-stack.js';
import { ROUTES } from '../../../local/routes.js';

const stackAt = (url: string): LocalStack =>
  ({
    url,
    emulators: {
      dynamoDbBackend: 'dynalite',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
      s3Endpoint: 'http://127.0.0.1:4569',
      tableName: 'presigned-url-nonce-local',
      bucketName: 'presigned-url-nonce-local',
    },
  }) as LocalStack;

describe('the start-up text', () => {
  it('warns that every producer route is open, naming each', () => {
    const open = ROUTES.filter((route) => route.auth.type === 'AWS_IAM').map((r) => `${r.method} ${r.resource}`);
    expect(open).toEqual(['POST /generate-url', 'GET /nonces/{nonceId}', 'DELETE /nonces/{nonceId}']);
    for (const route of open) expect(UNAUTHENTICATED_WARNING).toContain(route);
    expect(UNAUTHENTICATED_WARNING.split('\n')).toHaveLength(1);
  });

  it('says where accessUrls point: this server by default', () => {
    const text = bannerLines(loadLocalConfig({}), stackAt('http://127.0.0.1:3000')).join('\n');
    expect(text).toContain('accessUrl: http://127.0.0.1:3000/access-object?nonce=…');
    expect(text).not.toMatch(/0\.0\.0\.0/);
  });

  it('says PUBLIC_BASE_URL builds them when it is set', () => {
    const config = loadLocalConfig({ HOST: '0.0.0.0', PUBLIC_BASE_URL: 'http://192.168.1.20:3000' });
    const text = bannerLines(config, stackAt('http://0.0.0.0:3000')).join('\n');
    expect(text).toContain('accessUrl: http://192.168.1.20:3000/access-object?nonce=…');
    expect(text).not.toMatch(/no other machine/);
  });

  it.each(['0.0.0.0', '::'])('says HOST=%s makes accessUrls no other machine can use, and how to fix it', (host) => {
    const url = host === '::' ? 'http://[::]:3000' : 'http://0.0.0.0:3000';
    const text = bannerLines(loadLocalConfig({ HOST: host }), stackAt(url)).join('\n');
    expect(text).toContain(`accessUrl: ${url}/access-object?nonce=…`);
    expect(text).toMatch(/no other machine can use/);
    expect(text).toContain('PUBLIC_BASE_URL=http://<this machine>:3000');
  });
});
