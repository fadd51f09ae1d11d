import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * How many requests a DynamoDB client sent, by kind: the command name without "Command", and for reads
 * whether they were strongly consistent (it halves or doubles their price), e.g. `GetItem:consistent`.
 */
export type RequestCounts = Readonly<Record<string, number>>;

const kindOf = (commandName: string | undefined, input: unknown): string => {
  const name = (commandName ?? 'Unknown').replace(/Command$/, '');
  if (name !== 'GetItem' && name !== 'Query' && name !== 'Scan') return name;
  const consistent = typeof input === 'object' && input !== null && 'ConsistentRead' in input && input.ConsistentRead;
  return `${name}:${consistent === true ? 'consistent' : 'eventual'}`;
};

/** Counts what the clients it is attached to send; one counter per design, so the two never mix. */
export class DynamoDbRequestCounter {
  private readonly counts = new Map<string, number>();

  /**
   * In the `deserialize` step, which runs once per attempt (inside the retry middleware): a retried
   * request is counted again, as DynamoDB would bill it.
   */
  attach(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const kind = kindOf(context.commandName, args.input);
        this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
        return next(args);
      },
      { step: 'deserialize', name: 'benchRequestCounter' },
    );
    return client;
  }

  snapshot(): RequestCounts {
    return Object.fromEntries(this.counts);
  }

  /** What was sent since an earlier snapshot. */
  since(earlier: RequestCounts): RequestCounts {
    const delta: Record<string, number> = {};
    for (const [kind, count] of this.counts) {
      const sent = count - (earlier[kind] ?? 0);
      if (sent > 0) delta[kind] = sent;
    }
    return delta;
  }
}

export const totalOf = (counts: RequestCounts): number => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Counts summed over several measurements. */
export const addCounts = (a: RequestCounts, b: RequestCounts): RequestCounts => {
  const sum: Record<string, number> = { ...a };
  for (const [kind, count] of Object.entries(b)) sum[kind] = (sum[kind] ?? 0) + count;
  return sum;
};

/** Counts per operation, e.g. per redemption. */
export const perOperation = (counts: RequestCounts, operations: number): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, count / operations]));
