import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  createNonceMetrics,
  METRICS_NAMESPACE,
  SERVICE_NAME,
  type TelemetryOptions,
} from '../../lambda/shared/telemetry.js';
import { capturedRecords } from '../support/output.js';

const newLogger = () => new Logger({ serviceName: SERVICE_NAME });
const newMetrics = () => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

const records = (marker: string) => capturedRecords().filter((record) => JSON.stringify(record).includes(marker));

describe('telemetry built at once or on first use', () => {
  it('builds the logger and the metrics at once by default', () => {
    const makeLogger = vi.fn(newLogger);
    const makeMetrics = vi.fn(newMetrics);

    createLogger({}, makeLogger);
    createNonceMetrics({}, makeMetrics);

    expect(makeLogger).toHaveBeenCalledTimes(1);
    expect(makeMetrics).toHaveBeenCalledTimes(1);
  });

  it('on first use: builds nothing until a log line or a metric, then one of each for every later use', () => {
    const options: TelemetryOptions = { onFirstUse: true };
    const makeLogger = vi.fn(newLogger);
    const makeMetrics = vi.fn(newMetrics);

    const log = createLogger(options, makeLogger);
    const metrics = createNonceMetrics(options, makeMetrics);
    expect(makeLogger).not.toHaveBeenCalled();
    expect(makeMetrics).not.toHaveBeenCalled();

    log.info('first-use marker one', { nonceId: 'id-1' });
    log.warn('first-use marker two');
    metrics.denied('unknown');
    metrics.redeemed();

    expect(makeLogger).toHaveBeenCalledTimes(1);
    expect(makeMetrics).toHaveBeenCalledTimes(1);
    expect(records('first-use marker one')).toEqual([
      expect.objectContaining({ level: 'INFO', service: SERVICE_NAME, nonceId: 'id-1' }),
    ]);
    expect(records('first-use marker two')).toEqual([expect.objectContaining({ level: 'WARN' })]);
    const emf = capturedRecords().filter((record) => '_aws' in record);
    expect(emf.at(-2)).toMatchObject({ NonceDenied: 1, reason: 'unknown' });
    expect(emf.at(-1)).toMatchObject({ NonceRedeemed: 1 });
    expect(emf.at(-1)).not.toHaveProperty('reason');
  });
});
