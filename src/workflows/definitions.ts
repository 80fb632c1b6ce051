import { defineQuery } from '@temporalio/workflow';
import type { IngestProgress } from '../shared/ingest-types';

/** Defined once, used by the workflow (handler) and by clients (CLI, tests). */
export const statusQuery = defineQuery<IngestProgress>('status');

export const INGEST_WORKFLOW = 'ingestFile';

/** Used when a workflow is started without them (e.g. from the stock `temporal` CLI); the sluice CLI fills them from config. */
export const DEFAULT_OPTIONS = {
  chunkTargetBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxChunksInFlight: 4,
} as const;
