import type { ActivityOptions } from '@temporalio/workflow';
import type { SinkName } from '../shared/ingest-types';

/**
 * Per-stage activity options. Backoff starts at seconds and grows to minutes: a provider outage is waited
 * out, not hammered. Errors the activities classify as permanent are non-retryable and fail fast.
 */
const PERMANENT = [
  'UnknownLogType',
  'SourceMissing',
  'SourceChanged',
  'SourceAccessDenied',
  'TruncatedInput',
  'CorruptInput',
  'StagingCorrupt',
];

export const SPLIT: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  // Split streams whole files; a stuck read is noticed within the heartbeat timeout, not after two hours.
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: PERMANENT,
  },
};

export const PROCESS: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: PERMANENT,
  },
};

export const SINKS: Record<SinkName, ActivityOptions> = {
  s3: {
    startToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  },
  snowflake: {
    startToCloseTimeout: '15 minutes',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      nonRetryableErrorTypes: ['SnowflakeRejected'],
    },
  },
  opensearch: {
    startToCloseTimeout: '10 minutes',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      nonRetryableErrorTypes: ['MappingConflict'],
    },
  },
};
