import type { ActivityOptions } from '@temporalio/workflow';
import { PERMANENT_TYPES } from '../contracts/errors';
import type { Stage, StageRetry } from '../contracts/ingest';
import { perSink, SINK_SPECS } from '../contracts/sinks';

const MINUTE = 60_000;
const ATTEMPT_TIMEOUT: Record<Stage, number> = {
  split: 120 * MINUTE,
  process: 15 * MINUTE,
  ...perSink((sink) => SINK_SPECS[sink].attemptTimeout),
};

/**
 * A stage's activity options: backoff from seconds to minutes, retried until the window (schedule-to-close)
 * runs out. Then the workflow asks a person instead of failing or dropping anything. Sinks pass their own task
 * queue (see sinkTaskQueue); the rest run on the workflow's.
 */
export function activityOptions(stage: Stage, retry: StageRetry, taskQueue?: string): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: ATTEMPT_TIMEOUT[stage],
    scheduleToCloseTimeout: retry.window,
    // Activities heartbeat while they work: a dead worker's attempt is retried elsewhere within this, not after
    // the whole attempt timeout. Split heartbeats per chunk written, so it gets longer.
    heartbeatTimeout: stage === 'split' ? 2 * MINUTE : 30_000,
    retry: {
      initialInterval: retry.initialInterval,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumInterval,
      nonRetryableErrorTypes: [...PERMANENT_TYPES, ...(retry.nonRetryableErrorTypes ?? [])],
    },
  };
}
