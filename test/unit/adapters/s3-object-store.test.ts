import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore } from '../../../lambda/adapters/dynamodb-nonce-store.js';
import { S3ObjectChecker } from '../../../lambda/adapters/s3-object-store.js';
import { makeGenerateUrlHandler } from '../../../lambda/handlers/generate-url.js';
import { buildProxyEvent } from '../../../local/events.js';
import { manualClock, recordingLog, recordingMetrics } from '../../support/fakes.js';
import { generateRequest } from '../../support/requests.js';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);

const s3Error = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });

describe('GenerateURL on the S3 and DynamoDB adapters', () => {
  const handler = makeGenerateUrlHandler({
    nonces: new DynamoDbNonceStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'nonces'),
    objects: new S3ObjectChecker(new S3Client({ region: 'us-east-1' }), 'the-bucket'),
    clock: manualClock(),
    limits: { maxExpiresInSeconds: 604_800, maxUsesLimit: 100 },
    log: recordingLog(),
    metrics: recordingMetrics(),
  });
  const mint = () => handler(buildProxyEvent(generateRequest({ key: 'hello.txt' })));

  beforeEach(() => {
    s3.reset();
    ddb.reset();
    ddb.on(PutCommand).resolves({});
  });

  it('checks the object in the stack bucket only, then writes one guarded PutItem', async () => {
    s3.on(HeadObjectCommand).resolves({});
    expect((await mint()).statusCode).toBe(201);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'the-bucket', Key: 'hello.txt' });
    expect(ddb).toHaveReceivedCommandOnce(PutCommand);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it.each([
    ['404 NotFound', new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } })],
    ['403 (no s3:ListBucket, so S3 hides whether the key exists)', s3Error('Forbidden', 403)],
  ])('answers 404 object_not_found on %s, writing nothing', async (_name, error) => {
    s3.on(HeadObjectCommand).rejects(error);
    const response = await mint();
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error).toBe('object_not_found');
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['500 InternalError', s3Error('InternalError', 500)],
    ['503 SlowDown', s3Error('SlowDown', 503)],
    ['a timeout', Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' })],
  ])('answers 503 with Retry-After on S3 %s, writing nothing', async (_name, error) => {
    s3.on(HeadObjectCommand).rejects(error);
    const response = await mint();
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('2');
    expect(ddb.calls()).toHaveLength(0);
  });
});
