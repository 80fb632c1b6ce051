import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApproveRequest, DropRequest, IngestProgress, Stage, StageRetry } from '../shared/ingest-types';
import { approveProblem, dropProblem } from '../shared/validate-input';

/** Defined once, used by the workflow (handlers) and by clients (CLI, tests). */
export const statusQuery = defineQuery<IngestProgress>('status');

/**
 * A person's decision on work that waits. Signals serve the stock `temporal workflow signal` and the Web UI's
 * "Send a Signal"; the updates of the same meaning give the sluice CLI a synchronous answer, and their
 * validators reject bad requests before anything is recorded.
 */
export const approveSignal = defineSignal<[ApproveRequest?]>('approve');
export const dropSignal = defineSignal<[DropRequest]>('drop');
export interface DecisionResult {
  decided: number[];
}
export const approveUpdate = defineUpdate<DecisionResult, [ApproveRequest]>('approve');
export const dropUpdate = defineUpdate<DecisionResult, [DropRequest]>('drop');

export const INGEST_WORKFLOW = 'ingestFile';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Used when a workflow is started without options (e.g. from the stock `temporal` CLI); the sluice CLI fills
 * them from configuration. A unit test keeps these equal to the configuration defaults.
 */
export const DEFAULT_RETRY: Record<Stage, StageRetry> = {
  split: {
    window: 6 * HOUR,
    initialInterval: 5000,
    maximumInterval: 10 * MINUTE,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [],
  },
  process: {
    window: 2 * HOUR,
    initialInterval: 1000,
    maximumInterval: 10 * MINUTE,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [],
  },
  s3: {
    window: 6 * HOUR,
    initialInterval: 1000,
    maximumInterval: 10 * MINUTE,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [],
  },
  snowflake: {
    window: 6 * HOUR,
    initialInterval: 2000,
    maximumInterval: 10 * MINUTE,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [],
  },
  opensearch: {
    window: 6 * HOUR,
    initialInterval: 1000,
    maximumInterval: 10 * MINUTE,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [],
  },
};

export const DEFAULT_OPTIONS = {
  chunkTargetBytes: 2 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxChunksInFlight: 4,
  reminderInterval: HOUR,
  maxPoisonPerChunk: 10,
  chunksPerRun: 150,
  maxRecordsPerChunk: 10_000,
  maxDecompressedBytes: 16 * 1024 ** 3,
  maxCompressionRatio: 200,
  eventTimeMaxAge: 7 * 24 * HOUR,
  eventTimeMaxAhead: 24 * HOUR,
  quarantineAlertRatio: 0.5,
} as const;

export function validateDrop(req: DropRequest | undefined): void {
  const problem = dropProblem(req);
  if (problem) throw new Error(problem);
}

export function validateApprove(req: ApproveRequest | undefined): void {
  const problem = approveProblem(req);
  if (problem) throw new Error(problem);
}
