/**
 * The design this project replaces, re-implemented for the bench only: the access path of the original
 * Python sample (API Gateway + a nonce table + GenerateURL, ValidateNonce, AccessObject), in TypeScript
 * on the same SDK clients, so that it differs from ours by design alone. Faithful where it matters to
 * what is measured:
 * - GenerateURL presigns the GET at mint time (valid 1 h) and stores it with the nonce, in clear, as
 *   the key: 16 random bytes in hex, as the original made them.
 * - ValidateNonce: one GetItem by the nonce (eventually consistent, the SDK default the original kept),
 *   no shape check, any error a Deny.
 * - AccessObject: GetItem, then an unconditional DeleteItem, then a redirect to the stored URL. Nothing
 *   ties the delete to the read, so concurrent redemptions of one nonce can all succeed.
 * Left out, because they change nothing measured: the original's log lines (they printed the event and
 * the nonce), its 300 s authorizer cache (every redemption here presents a new nonce), and its broken
 * answer to an unknown nonce (a 302 to "False"; here a 403 in our error shape).
 */
import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import { errorJson, json } from '../../lambda/shared/http.js';
import { NONCE_INVALID_MESSAGE } from '../../lib/gateway-responses.js';
import type { ProxyHandler, RequestAuthorizer } from '../../local/gateway.js';

export interface BaselineDeps {
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  /** A table of its own (partition key `pk`), beside ours on the same emulator. */
  readonly tableName: string;
  readonly bucketName: string;
}

export interface BaselineHandlers {
  readonly generate: ProxyHandler;
  readonly authorize: RequestAuthorizer;
  readonly access: ProxyHandler;
}

/** The original presigned for an hour: the stored URL outlives the nonce's single use by that much. */
export const BASELINE_URL_LIFETIME_SECONDS = 3600;

const nonceOf = (event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>): string =>
  event.queryStringParameters?.nonce ?? '';

const policy = (effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult => ({
  principalId: '*',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
  },
});

export const makeBaselineHandlers = (deps: BaselineDeps): BaselineHandlers => {
  const keyOf = (nonce: string) => ({ pk: { S: nonce } });
  const read = (nonce: string) =>
    deps.dynamoDb.send(new GetItemCommand({ TableName: deps.tableName, Key: keyOf(nonce) }));

  return {
    // The original took {bucket_name, object_name} from the caller; the bench mints for one key of its bucket.
    async generate(event) {
      const { key } = JSON.parse(event.body ?? '{}') as { key: string };
      const url = await getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: deps.bucketName, Key: key }), {
        expiresIn: BASELINE_URL_LIFETIME_SECONDS,
      });
      const nonce = randomBytes(16).toString('hex');
      await deps.dynamoDb.send(
        new PutItemCommand({
          TableName: deps.tableName,
          Item: { ...keyOf(nonce), url: { S: url }, count: { S: '0' } },
        }),
      );
      const host = event.requestContext.domainName ?? '';
      // The original answered the access URL as a plain-text body; JSON here so one client reads both designs.
      return json(200, { nonce, accessUrl: `http://${host}/access-object?nonce=${nonce}` });
    },

    async authorize(event) {
      try {
        const { Item } = await read(nonceOf(event));
        return policy(Item === undefined ? 'Deny' : 'Allow', event.methodArn);
      } catch {
        return policy('Deny', event.methodArn);
      }
    },

    async access(event) {
      const nonce = nonceOf(event);
      const { Item } = await read(nonce);
      const url = Item?.url?.S;
      if (url === undefined) return errorJson(403, 'nonce_invalid', NONCE_INVALID_MESSAGE);
      // Unconditional: it succeeds whether or not another request deleted the item in between.
      await deps.dynamoDb.send(new DeleteItemCommand({ TableName: deps.tableName, Key: keyOf(nonce) }));
      return { statusCode: 302, headers: { Location: url }, body: '' };
    },
  };
};
