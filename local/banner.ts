import type { LocalConfig } from './config.js';
import { LOCAL_CREDENTIALS, SEED_KEY } from './constants.js';
import type { LocalStack } from './local-stack.js';

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

export const UNAUTHENTICATED_WARNING =
  'warning: POST /generate-url is NOT authenticated in local mode (on AWS it requires SigV4, AWS_IAM): ' +
  'anyone who can reach this port can mint nonces. Keep HOST on loopback.';
