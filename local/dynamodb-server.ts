/** The two DynamoDB engines local mode and the emulator-backed tests can run on. */
export const DYNAMODB_BACKENDS = ['dynalite', 'dynamodb-local'] as const;
export type DynamoDbBackend = (typeof DYNAMODB_BACKENDS)[number];

/** The environment variable that picks the engine when no option does. */
export const DYNAMODB_BACKEND_VARIABLE = 'LOCAL_DYNAMODB';

export const isDynamoDbBackend = (value: string): value is DynamoDbBackend =>
  (DYNAMODB_BACKENDS as readonly string[]).includes(value);

/** LOCAL_DYNAMODB, or dynalite when unset; anything else is refused by name. */
export const dynamoDbBackendFromEnv = (env: Readonly<Record<string, string | undefined>>): DynamoDbBackend => {
  const value = env[DYNAMODB_BACKEND_VARIABLE];
  if (value === undefined || value === '') return 'dynalite';
  if (isDynamoDbBackend(value)) return value;
  throw new Error(`${DYNAMODB_BACKEND_VARIABLE} must be one of ${DYNAMODB_BACKENDS.join(', ')}, got "${value}".`);
};

/** A running DynamoDB engine, whichever it is. */
export interface DynamoDbServer {
  readonly backend: DynamoDbBackend;
  readonly port: number;
  /** The port goes dark (connections refused), the data stays; resume() brings it back on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface DynamoDbServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** A folder of this engine's own; in memory when absent. */
  readonly dataDir?: string;
}
