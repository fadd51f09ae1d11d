import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
// Given as options, not as a NodeHttpHandler instance: the client builds its own handler from them.
const requestHandler = () => ({ connectionTimeout: 1_000, requestTimeout: 3_000 });
const MAX_ATTEMPTS = 3;

export const createDynamoDbClient = (options: ClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: requestHandler(),
  });

/**
 * The DynamoDB client behind the DocumentClient, which marshals items to and from plain values. No
 * translate options: an undefined attribute value is an error, never silently dropped.
 */
export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDbClient(options));

/** The S3 client's configuration; AccessObject's presigner is tested against getSignedUrl on it. */
export const s3ClientConfig = (options: ClientOptions = {}): S3ClientConfig => ({
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

export const createS3Client = (options: ClientOptions = {}): S3Client => new S3Client(s3ClientConfig(options));
