import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbClient } from '../../../lambda/adapters/dynamodb-client.js';
import { answerInsteadOfSending, type SignedRequest } from '../../../scripts/bench/stub-transport.js';
import { referenceAuthorization } from '../client/sigv4-reference.js';

/** Keeps each request as signed, and answers it with an empty body instead of sending it. */
const capture = (client: DynamoDBClient): SignedRequest[] => {
  const sent: SignedRequest[] = [];
  answerInsteadOfSending(client, (request) => {
    sent.push(request);
    return {};
  });
  return sent;
};

/** What an independent SigV4 implementation computes for the headers the request says it signed. */
const expectedAuthorization = (
  signed: SignedRequest,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
) => {
  const names = /SignedHeaders=([^,]+)/.exec(signed.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(names.map((name) => [name, signed.headers[name] ?? '']));
  return referenceAuthorization(
    { method: signed.method, url: signed.url, headers, body: signed.body },
    { ...credentials, region, service: 'dynamodb', amzDate: signed.headers['x-amz-date'] ?? '' },
  );
};

describe('createDynamoDbClient: one signer for every request', () => {
  const saved = process.env.AWS_SESSION_TOKEN;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_SESSION_TOKEN;
    else process.env.AWS_SESSION_TOKEN = saved;
  });

  it('signs as the SDK would: a valid SigV4 signature over the same headers, session token included, request after request', async () => {
    process.env.AWS_SESSION_TOKEN = 'session-token-from-the-runtime';
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    const ours = createDynamoDbClient({ region: 'eu-west-1' });
    const sdk = new DynamoDBClient({
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'session-token-from-the-runtime' },
    });
    const oursSent = capture(ours);
    const sdkSent = capture(sdk);
    const command = () => new GetItemCommand({ TableName: 'nonces', Key: { pk: { S: 'id' } }, ConsistentRead: true });

    for (let i = 0; i < 3; i++) await ours.send(command());
    await sdk.send(command());

    expect(oursSent).toHaveLength(3);
    for (const signed of [...oursSent, ...sdkSent]) {
      expect(signed.headers.authorization).toBe(expectedAuthorization(signed, 'eu-west-1', credentials));
      expect(signed.headers['x-amz-security-token']).toBe('session-token-from-the-runtime');
      expect(signed.url.hostname).toBe('dynamodb.eu-west-1.amazonaws.com');
    }
    const signedHeaders = (signed: SignedRequest | undefined) =>
      /SignedHeaders=([^,]+)/.exec(signed?.headers.authorization ?? '')?.[1];
    expect(signedHeaders(oursSent[0])).toBe(signedHeaders(sdkSent[0]));
  });
});
