import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DenialReason } from '../core/rules.js';

export const SERVICE_NAME = 'presigned-url-nonce';
export const METRICS_NAMESPACE = 'PresignedUrlNonce';

/** The narrow logging surface the handlers use. Log nonceIds, never a nonce, never a whole event. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The service's three metrics; NonceDenied carries a `reason` dimension so operators can alarm on it. */
export interface NonceMetrics {
  issued(): void;
  redeemed(): void;
  denied(reason: DenialReason): void;
}

export interface TelemetryOptions {
  /**
   * Build the Powertools object when it is first used, not now. For a handler whose usual answer neither
   * logs nor emits (the authorizer's Allow): a cold start that allows then never builds it. Each builds its
   * own Console on process.stdout and process.stderr, which Node.js opens on first use: a cost a cold start
   * measurably pays (docs/BENCHMARKS.md).
   * @default false — built at once, in the init phase, as everything a handler uses on its usual path
   */
  readonly onFirstUse?: boolean;
}

/** The object, built now or on the first call of the getter; every call answers the same one. */
const builtOnce = <T>(make: () => T, options: TelemetryOptions): (() => T) => {
  if (options.onFirstUse !== true) {
    const value = make();
    return () => value;
  }
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

const newLogger = (): Log => new Logger({ serviceName: SERVICE_NAME });

export const createLogger = (options: TelemetryOptions = {}, make: () => Log = newLogger): Log => {
  if (options.onFirstUse !== true) return make();
  const logger = builtOnce(make, options);
  return {
    info: (input, ...extra) => logger().info(input, ...extra),
    warn: (input, ...extra) => logger().warn(input, ...extra),
    error: (input, ...extra) => logger().error(input, ...extra),
  };
};

const emit = (metrics: Metrics, name: string, dimensions: Record<string, string> = {}): void => {
  // Published at once, so no handler has to remember to flush. publishStoredMetrics clears the
  // per-event dimensions; one Metrics instance serves every event (singleMetric() built a new one each).
  for (const [key, value] of Object.entries(dimensions)) metrics.addDimension(key, value);
  metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};

const newMetrics = (): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

export const createNonceMetrics = (options: TelemetryOptions = {}, make: () => Metrics = newMetrics): NonceMetrics => {
  const metrics = builtOnce(make, options);
  return {
    issued: () => emit(metrics(), 'NonceIssued'),
    redeemed: () => emit(metrics(), 'NonceRedeemed'),
    denied: (reason) => emit(metrics(), 'NonceDenied', { reason }),
  };
};
