import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A stand-in for the network: the in-process emulator answers a DynamoDB request in well under a
 * millisecond of wall time, where a request from Lambda to DynamoDB is a round trip of a few. While
 * set, every request (each attempt) waits this long before it is sent. Zero, the default, adds nothing.
 */
export class NetworkDelay {
  private delayMs = 0;

  attach(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next) => async (args) => {
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        return next(args);
      },
      { step: 'deserialize', name: 'benchNetworkDelay' },
    );
    return client;
  }

  set(ms: number): void {
    this.delayMs = ms;
  }
}
