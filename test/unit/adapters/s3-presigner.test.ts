import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { bucketAddress, type S3AddressingOptions } from '../../../lambda/adapters/s3-addressing.js';
import { s3ClientConfig } from '../../../lambda/adapters/s3-client.js';
import { presignerFor, S3GetPresigner } from '../../../lambda/adapters/s3-presigner.js';
import { DependencyUnavailableError } from '../../../lambda/core/errors.js';
import { loadAccessObjectConfig } from '../../../lambda/shared/config.js';
import { ConfigError } from '../../../lambda/shared/env.js';

const signingDate = new Date('2026-03-04T05:06:07Z');
const CREDENTIALS = {
  // What Lambda puts in the environment: temporary credentials, with a session token.
  session: {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
    sessionToken: 'IQoJb3JpZ2luX2Vj+/=',
  },
  longTerm: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' },
};
const KEYS = [
  'hello.txt',
  'reports/Q1 2026 final.pdf',
  'ünïcødé/日本語のファイル.txt',
  'a+b=c&d.txt',
  'deep/path/~user/file~1',
  "!'()*[]@$;,",
  'emoji 😀/%20 literally',
  'a//b/./c/../d',
];
const DISPOSITIONS = [undefined, 'attachment; filename="Q1 report ü.pdf"'];

/** getSignedUrl on an S3 client configured as the project configures it, with the given credentials. */
const reference = (target: S3AddressingOptions, credentials: (typeof CREDENTIALS)[keyof typeof CREDENTIALS]) => {
  const client = new S3Client({
    ...s3ClientConfig({
      region: target.region,
      ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    }),
    credentials,
    useFipsEndpoint: target.useFipsEndpoint ?? false,
    useDualstackEndpoint: target.useDualstackEndpoint ?? false,
  });
  return (key: string, disposition: string | undefined) =>
    getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: target.bucketName,
        Key: key,
        ...(disposition === undefined ? {} : { ResponseContentDisposition: disposition }),
      }),
      { expiresIn: 60, signingDate },
    );
};

const TARGETS: Array<[string, Omit<S3AddressingOptions, 'bucketName'>]> = [
  ['AWS, us-east-1', { region: 'us-east-1' }],
  ['AWS, eu-west-1', { region: 'eu-west-1' }],
  ['the aws-cn partition', { region: 'cn-north-1' }],
  ['GovCloud with FIPS and dual-stack', { region: 'us-gov-west-1', useFipsEndpoint: true, useDualstackEndpoint: true }],
  ['AWS with dual-stack', { region: 'ap-southeast-2', useDualstackEndpoint: true }],
  ['AWS with FIPS', { region: 'us-east-2', useFipsEndpoint: true }],
  ['the emulator endpoint', { region: 'us-east-1', endpoint: 'http://127.0.0.1:4569' }],
];
const BUCKETS = ['presigned-url-nonce-objects', 'files.example.com'];

describe('S3GetPresigner: the URLs getSignedUrl makes, without an S3 client', () => {
  describe.each(TARGETS)('on %s', (_name, settings) => {
    it.each(BUCKETS)(
      'bucket %s: equal query parameters, signature and URL for every key and credential',
      async (bucketName) => {
        const target = { ...settings, bucketName };
        // Every key with Lambda's session credentials; two with long-term keys (no X-Amz-Security-Token).
        for (const [credentials, keys] of [
          [CREDENTIALS.session, KEYS],
          [CREDENTIALS.longTerm, KEYS.slice(0, 2)],
        ] as const) {
          const presigner = new S3GetPresigner({ address: bucketAddress(target), credentials });
          const expected = reference(target, credentials);
          for (const key of keys) {
            for (const disposition of DISPOSITIONS) {
              const ours = await presigner.presignGet({
                key,
                expiresInSeconds: 60,
                signingDate,
                ...(disposition === undefined ? {} : { responseContentDisposition: disposition }),
              });
              const theirs = await expected(key, disposition);
              const query = (url: string) => Object.fromEntries(new URL(url).searchParams);
              expect(query(ours)).toEqual(query(theirs));
              expect(new URL(ours).searchParams.get('X-Amz-Signature')).toBe(
                new URL(theirs).searchParams.get('X-Amz-Signature'),
              );
              expect(ours).toBe(theirs);
              // The confirmation page's CSP names this origin, fixed at load: it must be every URL's.
              expect(presigner.presignedOrigin()).toBe(new URL(theirs).origin);
            }
          }
        }
      },
    );
  });

  it.each([
    [
      'a plain bucket is a virtual host',
      { bucketName: 'objects', region: 'us-east-1' },
      'https://objects.s3.us-east-1.amazonaws.com/k',
    ],
    [
      'a dotted bucket is a path: no TLS certificate covers its virtual host',
      { bucketName: 'a.b.c', region: 'eu-west-1' },
      'https://s3.eu-west-1.amazonaws.com/a.b.c/k',
    ],
    [
      'aws-cn has its own domain',
      { bucketName: 'objects', region: 'cn-northwest-1' },
      'https://objects.s3.cn-northwest-1.amazonaws.com.cn/k',
    ],
    [
      'FIPS and dual-stack name the host',
      { bucketName: 'objects', region: 'us-east-1', useFipsEndpoint: true, useDualstackEndpoint: true },
      'https://objects.s3-fips.dualstack.us-east-1.amazonaws.com/k',
    ],
    [
      'the emulator is a path under its endpoint',
      { bucketName: 'objects', region: 'us-east-1', endpoint: 'http://127.0.0.1:4569/base' },
      'http://127.0.0.1:4569/base/objects/k',
    ],
  ])('addresses it as the endpoint rules do: %s', async (_name, target, prefix) => {
    const presigner = new S3GetPresigner({ address: bucketAddress(target), credentials: CREDENTIALS.session });
    const url = await presigner.presignGet({ key: 'k', expiresInSeconds: 60, signingDate });
    expect(url.split('?')[0]).toBe(prefix);
  });

  it("signs only what the project's S3 client signs: x-id=GetObject, no checksum mode (WHEN_REQUIRED)", async () => {
    const presigner = new S3GetPresigner({
      address: bucketAddress({ bucketName: 'objects', region: 'us-east-1' }),
      credentials: CREDENTIALS.session,
    });
    const url = new URL(await presigner.presignGet({ key: 'k', expiresInSeconds: 45, signingDate }));
    expect(url.searchParams.get('x-id')).toBe('GetObject');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('45');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(CREDENTIALS.session.sessionToken);
    expect(url.searchParams.has('x-amz-checksum-mode')).toBe(false);
    // With the SDK's default (WHEN_SUPPORTED) getSignedUrl would add it; the comparisons above follow
    // s3ClientConfig, so a change there shows up here.
    const byDefault = await getSignedUrl(
      new S3Client({ region: 'us-east-1', credentials: CREDENTIALS.session }),
      new GetObjectCommand({ Bucket: 'objects', Key: 'k' }),
      { expiresIn: 45, signingDate },
    );
    expect(new URL(byDefault).searchParams.get('x-amz-checksum-mode')).toBe('ENABLED');
  });

  it('answers a credential failure as the object store being unavailable', async () => {
    const presigner = new S3GetPresigner({
      address: bucketAddress({ bucketName: 'objects', region: 'us-east-1' }),
      credentials: async () => {
        throw new Error('no credentials');
      },
    });
    await expect(presigner.presignGet({ key: 'k', expiresInSeconds: 60, signingDate })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });
});

describe('presignerFor: built once, from the configuration and the environment', () => {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("reads the environment's credentials once, session token included, and keeps them", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAFIRST';
    process.env.AWS_SESSION_TOKEN = 'token-first';
    const presigner = presignerFor({ aws: { region: 'eu-west-1' }, bucketName: 'objects' });
    const first = new URL(await presigner.presignGet({ key: 'k', expiresInSeconds: 60, signingDate }));
    process.env.AWS_ACCESS_KEY_ID = 'ASIASECOND';
    const second = new URL(await presigner.presignGet({ key: 'k', expiresInSeconds: 60, signingDate }));
    expect(first.searchParams.get('X-Amz-Credential')).toBe('ASIAFIRST/20260304/eu-west-1/s3/aws4_request');
    expect(first.searchParams.get('X-Amz-Security-Token')).toBe('token-first');
    expect(second.searchParams.get('X-Amz-Credential')).toBe(first.searchParams.get('X-Amz-Credential'));
  });

  it.each([
    [
      'a directory bucket',
      { bucketName: 'data--usw2-az1--x-s3', region: 'us-west-2' },
      /BUCKET_NAME names a bucket S3 addresses specially/,
    ],
    [
      'an access point ARN',
      { bucketName: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap', region: 'us-east-1' },
      /BUCKET_NAME/,
    ],
    ['a pseudo-region', { bucketName: 'objects', region: 'aws-global' }, /AWS_REGION must name a region/],
    [
      'FIPS with an emulator',
      { bucketName: 'objects', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', useFipsEndpoint: true },
      /AWS_USE_FIPS_ENDPOINT cannot be combined with S3_ENDPOINT/,
    ],
    [
      'dual-stack with an emulator',
      { bucketName: 'objects', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', useDualstackEndpoint: true },
      /AWS_USE_DUALSTACK_ENDPOINT cannot be combined/,
    ],
  ])('refuses %s when the module loads, naming the variable', (_name, options, message) => {
    expect(() => bucketAddress(options)).toThrow(ConfigError);
    expect(() => bucketAddress(options)).toThrow(message);
  });

  it('needs AWS_REGION, which the Lambda runtime always sets', () => {
    expect(() => presignerFor({ aws: {}, bucketName: 'objects' })).toThrow(/AWS_REGION is required/);
  });
});

describe("AccessObject's configuration of the presigner", () => {
  const base = { TABLE_NAME: 'nonces', BUCKET_NAME: 'objects', AWS_REGION: 'us-east-1' };

  it('reads the SDK switches for FIPS and dual-stack endpoints, "true" or "false" only', () => {
    const config = loadAccessObjectConfig({
      ...base,
      AWS_USE_FIPS_ENDPOINT: 'true',
      AWS_USE_DUALSTACK_ENDPOINT: 'false',
    });
    expect(config.aws).toMatchObject({ useFipsEndpoint: true, useDualstackEndpoint: false });
    expect(() => loadAccessObjectConfig({ ...base, AWS_USE_FIPS_ENDPOINT: 'yes' })).toThrow(
      /AWS_USE_FIPS_ENDPOINT must be "true" or "false"/,
    );
  });

  it.each(['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'])(
    'refuses %s, where the S3 client would send requests the presigner would not sign for',
    (name) => {
      expect(() => loadAccessObjectConfig({ ...base, [name]: 'https://s3.example.com' })).toThrow(
        new RegExp(`${name} is not supported by AccessObject`),
      );
      // An explicit S3_ENDPOINT wins over it in the SDK too; and the SDK's own switch turns it off.
      expect(() =>
        loadAccessObjectConfig({ ...base, [name]: 'https://s3.example.com', S3_ENDPOINT: 'http://127.0.0.1:4569' }),
      ).not.toThrow();
      expect(() =>
        loadAccessObjectConfig({
          ...base,
          [name]: 'https://s3.example.com',
          AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
        }),
      ).not.toThrow();
    },
  );
});
