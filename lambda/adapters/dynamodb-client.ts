import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { type ClientOptions, MAX_ATTEMPTS, requestHandlerOptions } from './client-options.js';
import { environmentCredentials } from './credentials.js';
import { settingsWithoutSharedConfigFiles } from './shared-config-files.js';

/**
 * With a region, the client signs every request with one SigV4 signer built here, on credentials from
 * the environment: left to itself, the SDK builds a new signer for each request from a copy of the whole
 * client configuration. The signer is the one the SDK would build (service dynamodb, the region, SHA-256,
 * escaped paths); test/unit/adapters/dynamodb-client.test.ts compares the signatures. Where no shared
 * config file exists, the settings the SDK would look for in one are resolved here, once, as the SDK
 * would resolve them (shared-config-files.ts), so the first request reads no file.
 */
export const createDynamoDbClient = (options: ClientOptions = {}): DynamoDBClient => {
  const credentials = environmentCredentials();
  return new DynamoDBClient({
    ...settingsWithoutSharedConfigFiles('DynamoDB'),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined
      ? {}
      : {
          region: options.region,
          signer: new SignatureV4({
            credentials,
            region: options.region,
            service: 'dynamodb',
            sha256: Sha256,
            uriEscapePath: true,
          }),
        }),
    credentials,
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: requestHandlerOptions(),
  });
};

/**
 * The DynamoDB client behind the DocumentClient, which marshals items to and from plain values. No
 * translate options: an undefined attribute value is an error, never silently dropped.
 */
export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDbClient(options));
