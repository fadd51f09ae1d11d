import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';

/** The request as signed, where the transport would send it. */
export interface SignedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface RawRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Puts `answer` where the client's transport would be: after the SDK has serialized and signed the
 * request, and before its deserializer reads the response. `answer` gets the signed request and the
 * operation (GetItem, DeleteItem, …) and returns the JSON body DynamoDB would send with a 200.
 */
export const answerInsteadOfSending = (
  client: DynamoDBClient,
  answer: (request: SignedRequest, operation: string) => unknown,
): DynamoDBClient => {
  const middleware =
    (_next: unknown, context: { readonly commandName?: string }) => async (args: { request: RawRequest }) => {
      const { request } = args;
      const signed = {
        method: request.method,
        url: new URL(`${request.protocol}//${request.hostname}${request.path}`),
        headers: { ...request.headers },
        body: request.body,
      };
      const body = new TextEncoder().encode(
        JSON.stringify(answer(signed, (context.commandName ?? '').replace(/Command$/, ''))),
      );
      const headers = { 'content-type': 'application/x-amz-json-1.0' };
      return { response: new HttpResponse({ statusCode: 200, headers, body }), output: {} };
    };
  client.middlewareStack.addRelativeTo(
    middleware as unknown as Parameters<typeof client.middlewareStack.addRelativeTo>[0],
    { name: 'answerInsteadOfSending', relation: 'after', toMiddleware: 'deserializerMiddleware' },
  );
  return client;
};
