import { NonceCollisionError } from '../../lambda/core/errors.js';
import type {
  ConsumeHint,
  ConsumeOutcome,
  NonceRecord,
  NonceStore,
  ObjectStore,
  PresignRequest,
} from '../../lambda/core/ports.js';
import type { DenialReason } from '../../lambda/core/rules.js';
import type { Log, NonceMetrics } from '../../lambda/shared/telemetry.js';

/** A NonceStore in memory with the DynamoDB store's semantics, and a count of every call. */
export class InMemoryNonceStore implements NonceStore {
  readonly items = new Map<string, NonceRecord>();
  readonly calls = { create: 0, find: 0, consume: 0, revoke: 0 };
  /** When set, every call fails with this error (a store outage). */
  failure: Error | undefined;

  async create(record: NonceRecord): Promise<void> {
    this.calls.create++;
    if (this.failure) throw this.failure;
    if (this.items.has(record.nonceId)) throw new NonceCollisionError();
    this.items.set(record.nonceId, record);
  }

  async find(nonceId: string): Promise<NonceRecord | undefined> {
    this.calls.find++;
    if (this.failure) throw this.failure;
    return this.items.get(nonceId);
  }

  async consume(nonceId: string, nowSeconds: number, hint: ConsumeHint): Promise<ConsumeOutcome> {
    this.calls.consume++;
    if (this.failure) throw this.failure;
    const item = this.items.get(nonceId);
    if (item === undefined) return { consumed: false, reason: hint.expiresAt <= nowSeconds ? 'expired' : 'lost_race' };
    if (item.expiresAt <= nowSeconds) return { consumed: false, reason: 'expired' };
    if (item.usesLeft < 1) return { consumed: false, reason: 'used_up' };
    const usesLeft = item.usesLeft - 1;
    if (usesLeft === 0) this.items.delete(nonceId);
    else this.items.set(nonceId, { ...item, usesLeft });
    return { consumed: true, usesLeft };
  }

  async revoke(nonceId: string, createdBy: string, nowSeconds: number): Promise<boolean> {
    this.calls.revoke++;
    if (this.failure) throw this.failure;
    const item = this.items.get(nonceId);
    if (item === undefined || item.createdBy !== createdBy || item.expiresAt <= nowSeconds || item.usesLeft < 1) {
      return false;
    }
    this.items.delete(nonceId);
    return true;
  }
}

/** An ObjectStore over a set of keys; presigned URLs are recognisable fakes. */
export class FakeObjectStore implements ObjectStore {
  readonly keys: Set<string>;
  /** Every key whose existence was asked, in order. */
  readonly checked: string[] = [];
  readonly presigned: PresignRequest[] = [];
  existsFailure: Error | undefined;
  presignFailure: Error | undefined;

  constructor(keys: Iterable<string> = ['hello.txt']) {
    this.keys = new Set(keys);
  }

  async exists(key: string): Promise<boolean> {
    this.checked.push(key);
    if (this.existsFailure) throw this.existsFailure;
    return this.keys.has(key);
  }

  async presignGet(request: PresignRequest): Promise<string> {
    if (this.presignFailure) throw this.presignFailure;
    this.presigned.push(request);
    return `${FakeObjectStore.ORIGIN}/${encodeURIComponent(request.key)}?X-Amz-Expires=${request.expiresInSeconds}`;
  }

  presignedOrigin(): string {
    return FakeObjectStore.ORIGIN;
  }

  static readonly ORIGIN = 'https://bucket.example';
}

/** A clock the test moves by hand. */
export const manualClock = (startMs = Date.UTC(2026, 0, 1, 12, 0, 0, 250)) => {
  let now = startMs;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
};

export interface RecordingMetrics extends NonceMetrics {
  readonly recorded: string[];
}

export const recordingMetrics = (): RecordingMetrics => {
  const recorded: string[] = [];
  return {
    recorded,
    issued: () => recorded.push('NonceIssued'),
    redeemed: () => recorded.push('NonceRedeemed'),
    denied: (reason: DenialReason) => recorded.push(`NonceDenied:${reason}`),
  };
};

export interface RecordingLog extends Log {
  readonly lines: string[];
}

/** Keeps every log call as one JSON line, the way the real logger would print it. */
export const recordingLog = (): RecordingLog => {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(JSON.stringify({ level, args }));
    };
  return { lines, info: write('INFO'), warn: write('WARN'), error: write('ERROR') } as RecordingLog;
};
