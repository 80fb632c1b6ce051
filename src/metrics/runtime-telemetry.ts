import type { RuntimeOptions } from '@temporalio/worker';
import type { SluiceConfig } from '../config/load';
import { ACTIVITY_BUCKETS, DELAY_BUCKETS, M } from './names';

/**
 * Temporal's runtime serves every metric of the process on one Prometheus endpoint: the SDK's own (task slots,
 * schedule-to-start latency, polls, sticky cache) and Sluice's, emitted through the SDK's metric meters.
 */
export function telemetryOptions(cfg: SluiceConfig): RuntimeOptions['telemetryOptions'] {
  if (cfg.metrics.port === 0) return undefined;
  return {
    metrics: {
      prometheus: {
        bindAddress: `${cfg.metrics.host}:${cfg.metrics.port}`,
        countersTotalSuffix: true,
        useSecondsForDurations: true,
        histogramBucketOverrides: {
          [M.fileDelay]: DELAY_BUCKETS,
          [M.stageSeconds]: DELAY_BUCKETS,
          [M.activitySeconds]: ACTIVITY_BUCKETS,
        },
      },
    },
  };
}
