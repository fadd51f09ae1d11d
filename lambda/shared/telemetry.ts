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

export const createLogger = (): Log => new Logger({ serviceName: SERVICE_NAME });

const emit = (metrics: Metrics, name: string, dimensions: Record<string, string> = {}): void => {
  // Published at once, so no handler has to remember to flush. publishStoredMetrics clears the
  // per-event dimensions; one Metrics instance serves every event (singleMetric() built a new one each).
  for (const [key, value] of Object.entries(dimensions)) metrics.addDimension(key, value);
  metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};

export const createNonceMetrics = (
  metrics: Metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
): NonceMetrics => ({
  issued: () => emit(metrics, 'NonceIssued'),
  redeemed: () => emit(metrics, 'NonceRedeemed'),
  denied: (reason) => emit(metrics, 'NonceDenied', { reason }),
});
