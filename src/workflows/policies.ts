import type { ActivityOptions } from '@temporalio/workflow';
import type { Stage, StageRetry } from '../shared/ingest-types';

/** Failures no retry can fix: they skip the retry window and go straight to bisection or a decision. */
export const PERMANENT_TYPES = [
  'UnknownLogType',
  'SourceMissing',
  'SourceChanged',
  'SourceAccessDenied',
  'TruncatedInput',
  'CorruptInput',
  'DecompressionLimit',
  'StagingCorrupt',
  'MappingConflict',
  'DocumentRejected',
  'Rejected',
  'InvalidIndexName',
  'SnowflakeRejected',
  'BucketMissing',
  'AccessDenied',
];

/**
 * A destination refusing everything for a reason of its own (see SystemicSinkError): retried within the window,
 * then parked under this type; never bisected. Here, not with the sinks, because workflow code reads it.
 */
export const SYSTEMIC_REFUSAL = 'SystemicRefusal';

/** Sink failures that may be caused by single records: worth bisecting to find them. */
export const RECORD_REJECTION_TYPES = ['MappingConflict', 'DocumentRejected', 'SnowflakeRejected'];

const MINUTE = 60_000;
const ATTEMPT_TIMEOUT: Record<Stage, number> = {
  split: 120 * MINUTE,
  process: 15 * MINUTE,
  s3: 10 * MINUTE,
  snowflake: 15 * MINUTE,
  opensearch: 10 * MINUTE,
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
