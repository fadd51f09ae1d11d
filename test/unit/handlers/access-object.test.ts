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
import {
  FakeObjectStore,
  manualClock,
  type RecordingLog,
  type RecordingMetrics,
  recordingLog,
  recordingMetrics,
} from '../../support/fakes.js';
import { accessRequest, gatewayRequest } from '../../support/requests.js';

const ddb = mockClient(DynamoDBDocumentClient);

describe('AccessObject handler', () => {
  const clock = manualClock();
  const nowSeconds = Math.floor(clock() / 1000);
  const nonceId = 'n'.repeat(43);
  const grant = { nonceId, key: 'reports/q1.pdf', maxUses: 1, expiresAt: nowSeconds + 60, principalId: nonceId };
  let metrics: RecordingMetrics;
  let log: RecordingLog;

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
      log,
      metrics,
    });

  beforeEach(() => {
    ddb.reset();
    metrics = recordingMetrics();
    log = recordingLog();
  });

  it('redeems a single-use nonce with one conditional DeleteItem and no read, then redirects', async () => {
    ddb.on(DeleteCommand).resolves({});

    const response = await handlerWith()(buildProxyEvent(accessRequest('x'), grant));

    expect(response.statusCode).toBe(302);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    // Its own Content-Type and a short note: API Gateway would otherwise label it application/json.
    expect(response.headers?.['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toMatch(/^Found: redirecting to the object\.\n$/);
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
      message: 'Access denied: the nonce is invalid, expired or already used, or the caller may not call this route.',
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
    const broken = new FakeObjectStore();
    broken.presignFailure = new DependencyUnavailableError('object-store');
    const response = await handlerWith(broken)(buildProxyEvent(accessRequest('x'), grant));
    expect(response.statusCode).toBe(503);
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each(['HEAD', 'PUT', 'DELETE', 'OPTIONS'])('never consumes on %s', async (method) => {
    const response = await handlerWith()(buildProxyEvent({ ...accessRequest('x'), method }, grant));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('GET, POST');
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

describe('AccessObject handler: POST, and nonces minted with confirm', () => {
  const clock = manualClock();
  const nowSeconds = Math.floor(clock() / 1000);
  const nonce = 'N'.repeat(43);
  const nonceId = 'n'.repeat(43);
  const grant = { nonceId, key: 'reports/q1.pdf', maxUses: 1, expiresAt: nowSeconds + 3600, principalId: nonceId };
  /** As API Gateway hands it over: every value stringified. */
  const confirmGrant = { ...grant, maxUses: '2', expiresAt: String(grant.expiresAt), usesLeft: '2', confirm: 'true' };
  let log: RecordingLog;

  const handler = () =>
    makeAccessObjectHandler({
      nonces: new DynamoDbNonceStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
        'nonces',
      ),
      objects: new S3GetPresigner({
        address: bucketAddress({ bucketName: 'the-bucket', region: 'us-east-1' }),
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
      }),
      clock,
      presignTtlSeconds: 60,
      log,
      metrics: recordingMetrics(),
    });

  const request = (method: string, headers: Record<string, string> = {}, body?: string | Buffer) =>
    gatewayRequest({
      method,
      path: '/access-object',
      query: [['nonce', nonce]],
      headers: { 'X-Forwarded-Proto': 'http', Host: '127.0.0.1:3000', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  beforeEach(() => {
    ddb.reset();
    log = recordingLog();
  });

  it('POST consumes a nonce without confirm with the same single conditional write, and answers 303', async () => {
    ddb.on(DeleteCommand).resolves({});
    const response = await handler()(buildProxyEvent(request('POST'), grant));
    expect(response.statusCode).toBe(303);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    expect(String(response.headers?.Location)).toMatch(
      /^https:\/\/the-bucket\.s3\.us-east-1\.amazonaws\.com\/reports\/q1\.pdf\?/,
    );
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND usesLeft >= :one',
    });
  });

  it('POST answers 200 {url, expiresAt} when the first Accept type is application/json', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { usesLeft: 1 } });
    const response = await handler()(buildProxyEvent(request('POST', { Accept: 'application/json' }), confirmGrant));
    expect(response.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(response.body)).sort()).toEqual(['expiresAt', 'url']);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });

  it('POST of a confirm nonce consumes it and redirects with 303', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { usesLeft: 1 } });
    const response = await handler()(buildProxyEvent(request('POST'), confirmGrant));
    expect(response.statusCode).toBe(303);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });

  it.each([
    ['an empty body with a JSON content type', '', 'application/json'],
    ['an HTML form of 8 KiB', `a=${'x'.repeat(8190)}`, 'application/x-www-form-urlencoded; charset=UTF-8'],
  ])('POST accepts %s and ignores it', async (_name, body, type) => {
    ddb.on(DeleteCommand).resolves({});
    const response = await handler()(buildProxyEvent(request('POST', { 'Content-Type': type }, body), grant));
    expect(response.statusCode).toBe(303);
    expect(log.lines.join('\n')).not.toContain('xxxx');
  });

  it.each([
    ['a form over 8 KiB', `a=${'x'.repeat(8191)}`, 'application/x-www-form-urlencoded', 413, 'payload_too_large'],
    ['a JSON body', '{"a":1}', 'application/json', 415, 'unsupported_media_type'],
    ['a multipart body', '--x--', 'multipart/form-data; boundary=x', 415, 'unsupported_media_type'],
    ['a body without a content type', 'a=1', undefined, 415, 'unsupported_media_type'],
  ])('POST refuses %s before anything is consumed', async (_name, body, type, status, code) => {
    const headers: Record<string, string> = type === undefined ? {} : { 'Content-Type': type };
    const response = await handler()(buildProxyEvent(request('POST', headers, body), grant));
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error).toBe(code);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('counts a binary (base64-encoded) body by its bytes', async () => {
    const event = buildProxyEvent(
      request('POST', { 'Content-Type': 'application/x-www-form-urlencoded' }, Buffer.alloc(8193, 0xff)),
      grant,
    );
    expect(event.isBase64Encoded).toBe(true);
    expect((await handler()(event)).statusCode).toBe(413);
  });

  it('GET of a confirm nonce answers the HTML page, with no DynamoDB call at all', async () => {
    const response = await handler()(buildProxyEvent(request('GET', { Accept: 'text/html,*/*;q=0.8' }), confirmGrant));
    expect(response.statusCode).toBe(200);
    expect(ddb.calls()).toHaveLength(0);
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex',
    });
    // The presigned URLs' origin, read off the SDK, is the form's only other target.
    expect(response.headers?.['Content-Security-Policy']).toContain(
      "form-action 'self' https://the-bucket.s3.us-east-1.amazonaws.com;",
    );
    expect(response.body).toContain('<h1>q1.pdf</h1>');
    expect(response.body).toContain('<dt>Uses left</dt><dd>2</dd>');
    expect(response.body).toContain('<form method="post">');
    expect(response.body).not.toContain(nonce);
    expect(response.body).not.toContain('X-Amz-Signature');
  });

  it.each(['application/json', 'application/json; q=1, text/html'])(
    'GET of a confirm nonce with Accept %s answers the JSON offer, nothing consumed',
    async (accept) => {
      const response = await handler()(buildProxyEvent(request('GET', { Accept: accept }), confirmGrant));
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({
        confirm: true,
        redeem: { method: 'POST', url: `http://127.0.0.1:3000/access-object?nonce=${nonce}` },
        expiresAt: new Date(grant.expiresAt * 1000).toISOString(),
        usesLeft: 2,
      });
      expect(response.headers?.['Cache-Control']).toBe('no-store');
      expect(ddb.calls()).toHaveLength(0);
    },
  );

  it('names the page after the disposition, and logs the nonceId, never the nonce', async () => {
    const response = await handler()(
      buildProxyEvent(request('GET'), {
        ...confirmGrant,
        responseContentDisposition: `attachment; filename="a.pdf"; filename*=UTF-8''%3Cscript%3E%20%26%20%E2%82%AC.pdf`,
      }),
    );
    expect(response.body).toContain('<h1>&lt;script&gt; &amp; €.pdf</h1>');
    expect(log.lines.join('\n')).toContain(nonceId);
    expect(log.lines.join('\n')).not.toContain(nonce);
  });

  it('GET of a nonce whose context says confirm "false" redeems as before', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { usesLeft: 1 } });
    const response = await handler()(buildProxyEvent(request('GET'), { ...confirmGrant, confirm: 'false' }));
    expect(response.statusCode).toBe(302);
  });
});
