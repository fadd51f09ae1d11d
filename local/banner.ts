import { isIPv6 } from 'node:net';
import type { LocalConfig } from './config.js';
import { LOCAL_CREDENTIALS, SEED_KEY } from './constants.js';
import type { LocalStack } from './local-stack.js';
import { ROUTES } from './routes.js';

/** Addresses that listen on every interface, which no client can call. */
const isUnspecified = (host: string): boolean =>
  host === '0.0.0.0' || (isIPv6(host) && new URL(`http://[${host}]`).hostname === '[::]');

/** Where accessUrls point, and, when that is an address no other machine can call, how to fix it. */
const accessUrlLines = (config: LocalConfig, url: string): string[] => {
  const base = config.publicBaseUrl ?? url;
  const lines = [`  accessUrl: ${base}/access-object?nonce=…`];
  if (config.publicBaseUrl === undefined && isUnspecified(config.host)) {
    lines.push(
      `  note: HOST=${config.host} listens on every interface, but accessUrls name ${new URL(url).host},`,
      '  which no other machine can use: set PUBLIC_BASE_URL to the address consumers reach,',
      `  e.g. PUBLIC_BASE_URL=http://<this machine>:${new URL(url).port}. (The presigned URLs a redemption`,
      '  redirects to name the S3 emulator at HOST too: local mode serves this machine only.)',
    );
  }
  return lines;
};

/** The start-up text on stdout: where everything is and how to try it. Tests read the endpoint lines. */
export const bannerLines = (config: LocalConfig, stack: LocalStack): string[] => {
  const { emulators, url } = stack;
  const storage = config.dataDir === undefined ? 'in memory' : `persisted in ${config.dataDir}`;
  const credentials = `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`;
  return [
    `presigned-url-nonce local mode (DynamoDB: ${emulators.dynamoDbBackend}, ${storage})`,
    `  api:      ${url}`,
    `  dynamodb: ${emulators.dynamoDbEndpoint}   table ${emulators.tableName}`,
    `  s3:       ${emulators.s3Endpoint}   bucket ${emulators.bucketName}`,
    ...accessUrlLines(config, url),
    '',
    `Mint a nonce for the seeded ${SEED_KEY}:`,
    `  curl -s -X POST ${url}/generate-url -H 'Content-Type: application/json' -d '{"key":"${SEED_KEY}"}'`,
    'Redeem it once (follows the redirect to the presigned URL):',
    `  curl -sL '${url}/access-object?nonce=<nonce>'`,
    'Upload an object of your own:',
    `  ${credentials} aws --endpoint-url ${emulators.s3Endpoint} s3 cp file s3://${emulators.bucketName}/file`,
    '',
  ];
};

/** The producer routes (AWS_IAM on AWS), as `METHOD /resource`: local mode checks no signature on them. */
const OPEN_ROUTES = ROUTES.filter((route) => route.auth.type === 'AWS_IAM').map(
  (route) => `${route.method} ${route.resource}`,
);

export const UNAUTHENTICATED_WARNING =
  `warning: ${OPEN_ROUTES.slice(0, -1).join(', ')} and ${OPEN_ROUTES.at(-1)} are NOT authenticated in local mode ` +
  '(on AWS they require SigV4, AWS_IAM): anyone who can reach this port can mint, read and revoke nonces. ' +
  'Keep HOST on loopback.';
