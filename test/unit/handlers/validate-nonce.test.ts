import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore, toItem } from '../../../lambda/adapters/dynamodb-nonce-store.js';
import { mintNonce } from '../../../lambda/core/nonce.js';
import { grantFromAuthorizerContext } from '../../../lambda/handlers/authorizer-context.js';
import { makeValidateNonceHandler } from '../../../lambda/handlers/validate-nonce.js';
import { buildRequestAuthorizerEvent } from '../../../local/events.js';
import { dynamoDbFaults } from '../../support/aws-faults.js';
import { manualClock, type RecordingMetrics, recordingLog, recordingMetrics } from '../../support/fakes.js';
import { accessRequest, gatewayRequest } from '../../support/requests.js';

const ddb = mockClient(DynamoDBDocumentClient);

describe('ValidateNonce authorizer', () => {
  const clock = manualClock();
  const nowSeconds = Math.floor(clock() / 1000);
  let metrics: RecordingMetrics;
  let authorize: ReturnType<typeof makeValidateNonceHandler>;

  beforeEach(() => {
    ddb.reset();
    metrics = recordingMetrics();
    authorize = makeValidateNonceHandler({
      nonces: new DynamoDbNonceStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
        'nonces',
      ),
      clock,
      log: recordingLog(),
      metrics,
    });
  });

  const stored = (nonceId: string, overrides: Partial<{ expiresAt: number; usesLeft: number }> = {}) =>
    toItem({
      nonceId,
      key: 'hello.txt',
      expiresAt: nowSeconds + 60,
      maxUses: 1,
      usesLeft: 1,
      createdAt: nowSeconds,
      createdBy: 'local',
      ...overrides,
    });

  it('allows a live nonce for exactly this method ARN, with nonceId and the grant in the context', async () => {
    const { nonce, nonceId } = mintNonce();
    ddb.on(GetCommand).resolves({ Item: stored(nonceId) });
    const event = buildRequestAuthorizerEvent(accessRequest(nonce));

    const result = await authorize(event);

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn },
    ]);
    expect(result.context).toEqual({
      nonceId,
      key: 'hello.txt',
      maxUses: 1,
      expiresAt: nowSeconds + 60,
      usesLeft: 1,
      confirm: false,
      operation: 'download',
    });
    expect(JSON.stringify(result)).not.toContain(nonce);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: nonceId }, ConsistentRead: true });
  });

  it.each([
    ['too short', 'abc'],
    ['too long', 'A'.repeat(44)],
    ['10 KB long', 'A'.repeat(10_240)],
    ['outside the base64url alphabet', `${'A'.repeat(42)}+`],
    ['with padding', `${'A'.repeat(42)}=`],
    ['unicode', `${'A'.repeat(41)}ü!`],
  ])('denies a nonce %s without any DynamoDB call', async (_name, nonce) => {
    const result = await authorize(buildRequestAuthorizerEvent(accessRequest(nonce)));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(ddb.calls()).toHaveLength(0);
    expect(metrics.recorded).toEqual(['NonceDenied:malformed']);
  });

  it('denies a repeated nonce parameter without any DynamoDB call', async () => {
    const { nonce } = mintNonce();
    const request = gatewayRequest({
      method: 'GET',
      path: '/access-object',
      query: [
        ['nonce', nonce],
        ['nonce', nonce],
      ],
    });
    const result = await authorize(buildRequestAuthorizerEvent(request));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('throws Unauthorized (a 401) for a %s nonce, without any DynamoDB call', async (_name, nonce) => {
    await expect(authorize(buildRequestAuthorizerEvent(accessRequest(nonce)))).rejects.toThrow(/^Unauthorized$/);
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['unknown', undefined, 'unknown'],
    ['expired', { expiresAt: nowSeconds }, 'expired'],
    ['used up', { usesLeft: 0 }, 'used_up'],
  ] as const)('denies an %s nonce with the reason in the metric', async (_name, overrides, reason) => {
    const { nonce, nonceId } = mintNonce();
    ddb.on(GetCommand).resolves(overrides === undefined ? {} : { Item: stored(nonceId, overrides) });
    const result = await authorize(buildRequestAuthorizerEvent(accessRequest(nonce)));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(result.context).toBeUndefined();
    expect(metrics.recorded).toEqual([`NonceDenied:${reason}`]);
  });

  it.each(dynamoDbFaults())('fails (not Unauthorized, so API Gateway answers 503) on %s', async (_name, fault) => {
    const { nonce } = mintNonce();
    ddb.on(GetCommand).rejects(fault);
    const failure = authorize(buildRequestAuthorizerEvent(accessRequest(nonce)));
    // A fixed sentence: a thrown error is what Lambda's own trace and log of the invocation may keep.
    await expect(failure).rejects.toThrow(/^Nonce store unavailable$/);
    expect(metrics.recorded).toEqual([]);
  });

  it('carries confirm and the uses left for the confirmation page, and AccessObject reads them back stringified', async () => {
    const { nonce, nonceId } = mintNonce();
    ddb.on(GetCommand).resolves({ Item: { ...stored(nonceId, { usesLeft: 2 }), confirm: true } });

    const result = await authorize(buildRequestAuthorizerEvent(accessRequest(nonce)));

    expect(result.context).toMatchObject({ confirm: true, usesLeft: 2 });
    // API Gateway hands the context over with every value stringified.
    const stringified = Object.fromEntries(Object.entries(result.context ?? {}).map(([k, v]) => [k, String(v)]));
    expect(grantFromAuthorizerContext(stringified)).toMatchObject({ nonceId, confirm: true, usesLeft: 2 });
    expect(grantFromAuthorizerContext({ ...stringified, confirm: 'TRUE' })?.confirm).toBe(false);
    expect(grantFromAuthorizerContext({ ...stringified, confirm: undefined })?.confirm).toBe(false);
  });
});
