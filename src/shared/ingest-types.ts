/**
 * The shapes that cross the workflow/activity boundary. Claim-check rule: no record data ever appears here,
 * only object keys, counts, sizes and checksums, so workflow history stays small whatever the file size.
 * Types only: this module is imported by workflow code.
 */

export type SinkName = 's3' | 'snowflake' | 'opensearch';
export const SINK_NAMES: readonly SinkName[] = ['s3', 'snowflake', 'opensearch'];

/** The object to ingest: one version of one S3 object. */
export interface FileRef {
  bucket: string;
  key: string;
  /** The object's ETag (without quotes): pins the version; a changed object is a new file. */
  etag: string;
  tenant: string;
  logType: string;
}

export interface IngestOptions {
  /** Explicitly ingest a file version again (sinks are idempotent, so counts stay the same). */
  reingest?: boolean;
  chunkTargetBytes?: number;
  maxRecordBytes?: number;
  maxChunksInFlight?: number;
}

export interface IngestInput {
  file: FileRef;
  options?: IngestOptions;
}

export interface SplitInput {
  file: FileRef;
  chunkTargetBytes: number;
  maxRecordBytes: number;
}

export interface SplitResult {
  /** Derived from tenant and object identity (bucket, key, ETag); names staging keys and seeds row ids. */
  fileId: string;
  chunkCount: number;
  /** Records found (lines that are not blank), including over-long ones that were quarantined. */
  records: number;
  quarantined: number;
  compressedBytes: number;
  bytes: number;
  gzip: boolean;
  /** The object's Last-Modified: the event time of records that carry none. */
  fileTime: string;
  warnings: string[];
}

export interface ProcessChunkInput {
  fileId: string;
  chunk: number;
  file: FileRef;
  fileTime: string;
  /** The workflow's start time, so a retried chunk produces byte-identical envelopes. */
  ingestTime: string;
}

export interface ProcessChunkResult {
  chunk: number;
  records: number;
  parsed: number;
  quarantined: number;
  firstLine: number;
  lastLine: number;
}

export interface SinkChunkInput {
  fileId: string;
  chunk: number;
  firstLine: number;
  lastLine: number;
}

export interface SinkChunkResult {
  sink: SinkName;
  chunk: number;
  written: number;
}

export type PipelineStatusValue = 'Running' | 'Completed' | 'Failed' | 'AwaitingDecision';

export interface IngestProgress {
  fileId: string;
  status: PipelineStatusValue;
  stage: 'split' | 'process' | 'done';
  source: string;
  chunksTotal: number;
  chunksDone: number;
  chunksInFlight: number[];
  records: number;
  parsed: number;
  quarantined: number;
  written: Record<SinkName, number>;
  bytes: number;
  compressedBytes: number;
  gzip: boolean;
  warnings: string[];
  startedAt: string;
  splitMs?: number;
  finishedAt?: string;
  durationMs?: number;
}

export type IngestSummary = IngestProgress;
