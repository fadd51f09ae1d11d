import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientOptions, MAX_ATTEMPTS, requestHandlerOptions } from './client-options.js';

export const createDynamoDbClient = (options: ClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: requestHandlerOptions(),
  });

/**
 * The DynamoDB client behind the DocumentClient, which marshals items to and from plain values. No
 * translate options: an undefined attribute value is an error, never silently dropped.
 */
export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDbClient(options));
