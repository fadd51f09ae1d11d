import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

export interface ClientOptions {
  readonly region?: string;
  /** Local mode and tests point the clients at the emulators; unset on AWS. */
  readonly endpoint?: string;
  /** Attempts per request, retries included. @default 3 */
  readonly maxAttempts?: number;
}

/**
 * Short timeouts and few attempts: a DynamoDB or S3 outage must become a 503 well inside API Gateway's
 * 29 s integration timeout, not a Lambda timeout that API Gateway would turn into a 504.
 */
// Given as options, not as a NodeHttpHandler instance: the client builds its own handler, so the
// bundle pulls in no copy of @smithy/node-http-handler beside the runtime's SDK.
const requestHandler = () => ({ connectionTimeout: 1_000, requestTimeout: 3_000 });
const MAX_ATTEMPTS = 3;

export const createDynamoDbClient = (options: ClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: requestHandler(),
  });

export const createS3Client = (options: ClientOptions = {}): S3Client =>
  new S3Client({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          // S3 emulators serve buckets by path, not by virtual host.
          forcePathStyle: true,
        }),
    // Only what S3 requires: the emulators reject the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: requestHandler(),
  });
