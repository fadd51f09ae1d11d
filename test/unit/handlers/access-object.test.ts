import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore } from '../../../lambda/adapters/dynamodb-nonce-store.js';
import { bucketAddress } from '../../../lambda/adapters/s3-addressing.js';
import { S3GetPresigner } from '../../../lambda/adapters/s3-presigner.js';
import { DependencyUnavailableError } from '../../../lambda/core/errors.js';
import type { ObjectPresigner } from '../../../lambda/core/ports.js';
import { makeAccessObjectHandler } from '../../../lambda/handlers/access-object.js';
import { buildProxyEvent } from '../../../local/events.js';
import { conditionalCheckFailed, dynamoDbFaults } from '../../support/aws-faults.js';
import { manualClock, type RecordingMetrics, recordingLog, recordingMetrics } from '../../support/fakes.js';
import { accessRequest } from '../../support/requests.js';

const ddb = mockClient(DynamoDBDocumentClient);

describe('AccessObject handler', () => {
  const clock = manualClock();
  const nowSeconds = Math.floor(clock() / 1000);
  const nonceId = 'n'.repeat(43);
  const grant = { nonceId, key: 'reports/q1.pdf', maxUses: 1, expiresAt: nowSeconds + 60, principalId: nonceId };
  let metrics: RecordingMetrics;

  const presigner = new S3GetPresigner({
    address: bucketAddress({ bucketName: 'the-bucket', region: 'us-east-1' }),
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
  });
  const handlerWith = (objects: ObjectPresigner = presigner) =>
    makeAccessObjectHandler({
      nonces: new DynamoDbNonceStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
        'nonces',
      ),
      objects,
      clock,
      presignTtlSeconds: 60,
      log: recordingLog(),
      metrics,
    });

  beforeEach(() => {
    ddb.reset();
    metrics = recordingMetrics();
  });

  it('redeems a single-use nonce with one conditional DeleteItem and no read, then redirects', async () => {
    ddb.on(DeleteCommand).resolves({});

    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), grant));

    expect(response.statusCode).toBe(302);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    const location = new URL(String(response.headers?.Location));
    expect(location.pathname).toBe('/reports/q1.pdf');
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(60);
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: nonceId },
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one',
      ExpressionAttributeValues: { ':now': nowSeconds, ':one': 1 },
    });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(metrics.recorded).toEqual(['NonceRedeemed']);
  });

  it('answers 200 JSON with the URL and its expiry when the first Accept type is application/json', async () => {
    ddb.on(DeleteCommand).resolves({});
    const response = await handlerWith()(
      buildProxyEvent(accessRequest('x', { Accept: 'application/json;q=0.9, text/html' }), grant),
    );
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.url).toContain('/reports/q1.pdf?');
    expect(body.expiresAt).toBe(new Date((nowSeconds + 60) * 1000).toISOString());
    expect(response.headers?.['Cache-Control']).toBe('no-store');
  });

  it('redirects when application/json is not the first Accept type', async () => {
    ddb.on(DeleteCommand).resolves({});
    const response = await handlerWith()(
      buildProxyEvent(accessRequest('x', { accept: 'text/html, application/json' }), grant),
    );
    expect(response.statusCode).toBe(302);
  });

  it('decrements a multi-use nonce with one conditional UpdateItem', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { usesLeft: 2 } });
    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), { ...grant, maxUses: 3 }));
    expect(response.statusCode).toBe(302);
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET usesLeft = usesLeft - :one',
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one',
    });
  });

  it('deletes a multi-use item when its last use is taken', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { usesLeft: 0 } });
    ddb.on(DeleteCommand).resolves({});
    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), { ...grant, maxUses: 3 }));
    expect(response.statusCode).toBe(302);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { ConditionExpression: 'usesLeft < :one' });
  });

  it.each([
    ['a lost race (item gone)', undefined, 'lost_race'],
    ['an expired item', { expiresAt: { N: String(nowSeconds) }, usesLeft: { N: '1' } }, 'expired'],
    ['a spent item', { expiresAt: { N: String(nowSeconds + 60) }, usesLeft: { N: '0' } }, 'used_up'],
  ])('answers 403 nonce_invalid for %s', async (_name, item, reason) => {
    ddb.on(DeleteCommand).rejects(conditionalCheckFailed(item));
    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), grant));
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      error: 'nonce_invalid',
      message: 'The nonce is invalid, expired or already used.',
    });
    expect(response.body).not.toContain('X-Amz');
    expect(metrics.recorded).toEqual([`NonceDenied:${reason}`]);
  });

  it.each(dynamoDbFaults())(
    'answers 503 with Retry-After on %s, and the nonce stays redeemable',
    async (_name, fault) => {
      const handler = handlerWith();
      ddb.on(DeleteCommand).rejectsOnce(fault).resolves({});

      const failed = await handler(buildProxyEvent(accessRequest('x'), grant));
      expect(failed.statusCode).toBe(503);
      expect(failed.headers?.['Retry-After']).toBe('2');
      expect(JSON.parse(failed.body).error).toBe('service_unavailable');
      expect(failed.body).not.toContain(fault.message);
      expect(failed.headers?.Location).toBeUndefined();

      // The failed write changed nothing: the retry is the first consume DynamoDB accepts.
      const retried = await handler(buildProxyEvent(accessRequest('x'), grant));
      expect(retried.statusCode).toBe(302);
      expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 2);
    },
  );

  it('answers 503 and consumes nothing when presigning fails', async () => {
    const broken: ObjectPresigner = {
      presignGet: async () => {
        throw new DependencyUnavailableError('object-store');
      },
    };
    const response = await handlerWith(broken)(buildProxyEvent(accessRequest('x'), grant));
    expect(response.statusCode).toBe(503);
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each(['HEAD', 'POST', 'DELETE', 'OPTIONS'])('never consumes on %s', async (method) => {
    const response = await handlerWith()(buildProxyEvent({ ...accessRequest('x'), method }, grant));
    expect(response.statusCode).toBe(405);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 and consumes nothing when invoked without an authorizer context', async () => {
    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), null));
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('reads a context whose numbers API Gateway passed as strings', async () => {
    ddb.on(DeleteCommand).resolves({});
    const stringly = { ...grant, maxUses: '1', expiresAt: String(grant.expiresAt) };
    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), stringly));
    expect(response.statusCode).toBe(302);
  });
});
