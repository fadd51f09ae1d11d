/**
 * The local stack exactly as `npm start` runs it (startLocalStack: the emulators, the deployed handler
 * modules, the API Gateway emulator), in this test process on ephemeral ports, so that what the handlers
 * log lands in the captured output (test/support/output.ts). One per test file: the handler modules
 * read process.env once, when they load.
 */
import { createHash } from 'node:crypto';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadLocalConfig } from '../../local/config.js';
import type { Emulators } from '../../local/emulators.js';
import { startLocalStack } from '../../local/local-stack.js';

export type Item = Record<string, AttributeValue>;

export interface HttpStack {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly emulators: Emulators;
  /** Every item, strongly consistent. */
  scan(): Promise<Item[]>;
  /** The item count and a hash of every item's content: equal fingerprints, equal tables. */
  fingerprint(): Promise<string>;
  stop(): Promise<void>;
}

const TABLE_AND_BUCKET = 'presigned-url-nonce-test';

/** Attribute names sorted, so that two scans of the same item serialize alike. */
const canonical = (item: Item): string =>
  JSON.stringify(
    Object.keys(item)
      .sort()
      .map((name) => [name, item[name]]),
  );

/**
 * Starts the stack. `environment` is what the handler modules should see beyond local mode's defaults,
 * e.g. POWERTOOLS_LOG_LEVEL=INFO so that there are logs to search for leaks.
 */
export const startHttpStack = async (environment: Record<string, string> = {}): Promise<HttpStack> => {
  Object.assign(process.env, environment);
  const stack = await startLocalStack({
    ...loadLocalConfig({
      TABLE_NAME: TABLE_AND_BUCKET,
      BUCKET_NAME: TABLE_AND_BUCKET,
      LOCAL_DYNAMODB: process.env.LOCAL_DYNAMODB,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL,
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED,
    }),
    port: 0,
    dynamoDbPort: 0,
    s3Port: 0,
  });
  const scan = async (): Promise<Item[]> => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await stack.emulators.dynamoDb.send(
        new ScanCommand({ TableName: TABLE_AND_BUCKET, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };
  return {
    url: stack.url,
    emulators: stack.emulators,
    scan,
    async fingerprint() {
      const lines = (await scan()).map(canonical).sort();
      return `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('base64url')}`;
    },
    stop: () => stack.stop(),
  };
};
