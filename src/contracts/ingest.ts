/**
 * The shapes that cross the workflow/activity boundary. Claim-check rule: no record data ever appears here,
 * only object keys, counts, sizes and checksums, so workflow history stays small whatever the file size.
 * No Node imports: this module is imported by workflow code.
 */

import { SINK_NAMES, type SinkName, sinkActivityName } from './sinks';

export { SINK_NAMES, type SinkName };

/** The object to ingest: one version of one S3 object. */
export interface FileRef {
  bucket: string;
  key: string;
  /** The object's ETag (without quotes): pins the version; a changed object is a new file. */
  etag: string;
  tenant: string;
  logType: string;
  /** Bytes as stored, when the starter knew it: shown in the Web UI, never used to read the object. */
  size?: number;
}

/** A stage of the pipeline: where work is retried, and what an operator approves or drops. */
export type Stage = 'split' | 'process' | SinkName;
export const STAGES: readonly Stage[] = ['split', 'process', ...SINK_NAMES];

/** The activity that does a stage's work, as the server reports it in pending activities. */
export const STAGE_ACTIVITIES: Readonly<Record<string, Stage>> = {
  splitFile: 'split',
  processChunk: 'process',
  ...Object.fromEntries(SINK_NAMES.map((s) => [sinkActivityName(s), s])),
};

/** Retry of one stage, in milliseconds (JSON-friendly, so it can be given per file and in an approve). */
export interface StageRetry {
  /** Total time one piece of work is retried before the file waits for a decision. */
  window: number;
  initialInterval: number;
  maximumInterval: number;
  backoffCoefficient: number;
  /** Error types never retried, on top of the built-in permanent ones. */
  nonRetryableErrorTypes: string[];
}

export interface IngestOptions {
  /** Explicitly ingest a file version again (sinks are idempotent, so counts stay the same). */
  reingest?: boolean;
  chunkTargetBytes?: number;
  maxRecordBytes?: number;
  maxChunksInFlight?: number;
  /** Per-stage retry; stages not given use the defaults. */
  retry?: Partial<Record<Stage, Partial<StageRetry>>>;
  /** How often a file awaiting a decision reminds (ms). */
  reminderInterval?: number;
  /** Records a sink may reject per chunk and still be quarantined by bisection. */
  maxPoisonPerChunk?: number;
  /** Chunks one run handles before continuing as new, keeping history bounded. */
  chunksPerRun?: number;
  /** Pipeline metrics carry tenant and log type labels (SLUICE_METRICS_TENANT_LABELS). */
  metricLabels?: boolean;
  /** Most records in one chunk, however small they are (memory follows records as well as bytes). */
  maxRecordsPerChunk?: number;
  /** Most bytes one file may decompress to (0: no limit). */
  maxDecompressedBytes?: number;
  /** Most decompressed bytes per compressed byte, judged past 64 MiB decompressed (0: no limit). */
  maxCompressionRatio?: number;
  /** Event times older than this before the file's time (ms) are partitioned by the file's time instead. */
  eventTimeMaxAge?: number;
  /** Event times further than this after the file's time (ms) are partitioned by the file's time instead. */
  eventTimeMaxAhead?: number;
  /** Quarantined share of a file's records above which it ends MostlyQuarantined rather than Completed. */
  quarantineAlertRatio?: number;
}

export interface IngestInput {
  file: FileRef;
  options?: IngestOptions;
  /** Set by the workflow itself when it continues as new: where the previous run stopped. */
  resume?: IngestResume;
}

/** What one run hands the next: the split's result (never split twice), the next chunk, and totals so far. */
export interface IngestResume {
  split: SplitResult;
  /** The first run's start: every run stamps the same ingest time, so rows stay identical on re-delivery. */
  ingestTime: string;
  nextChunk: number;
  /** Named `progress` since runs started before the status/summary split carried their whole status here. */
  progress: IngestTotals;
}

/** Work scheduled and not yet finished (attempts included). */
export interface RunningWork {
  stage: Stage;
  chunk?: number;
  since: string;
}

export interface SplitInput {
  file: FileRef;
  chunkTargetBytes: number;
  maxRecordBytes: number;
  /** Optional only for workflows started before these existed; the activity has defaults. */
  maxRecordsPerChunk?: number;
  maxDecompressedBytes?: number;
  maxCompressionRatio?: number;
}

export interface SplitResult {
  /** Derived from tenant and object identity (bucket, key, ETag); names staging keys and seeds row ids. */
  fileId: string;
  chunkCount: number;
  /** Records found (lines that are not blank), including over-long ones that were quarantined. */
  records: number;
  /** Blank or whitespace-only lines: skipped and counted, never quarantined. */
  blank?: number;
  quarantined: number;
  compressedBytes: number;
  bytes: number;
  gzip: boolean;
  /** The object's Last-Modified: the event time of records that carry none. */
  fileTime: string;
  warnings: string[];
  /** The log type the file was read as, when the split recognised it (`--log-type auto`). */
  logType?: string;
  /** Files or parts not ingested on purpose, counted by reason (e.g. `cloudtrail-digest`). */
  skipped?: Record<string, number>;
}

export interface ProcessChunkInput {
  fileId: string;
  chunk: number;
  file: FileRef;
  fileTime: string;
  /** The workflow's start time, so a retried chunk produces byte-identical envelopes. */
  ingestTime: string;
  /** Window around fileTime (ms) outside which an event time does not choose the partition (see envelope.ts). */
  eventTimeWindow?: { maxAge: number; maxAhead: number };
}

export interface ProcessChunkResult {
  chunk: number;
  records: number;
  parsed: number;
  quarantined: number;
  firstLine: number;
  lastLine: number;
  /** Records whose event time was outside the window, partitioned by the file's time. */
  outOfRange?: number;
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

export type PipelineStatusValue =
  | 'Running'
  | 'Completed'
  /** Finished, but most records (past the alert ratio), or all, were quarantined: someone should look. */
  | 'MostlyQuarantined'
  | 'Failed'
  | 'AwaitingDecision'
  | 'Dropped'
  /** Cancelled by an operator (not waiting for anyone any more). */
  | 'Cancelled';

/** Work that failed past its retry window or permanently, waiting for a person. */
export interface AwaitingDecision {
  id: number;
  stage: Stage;
  /** Chunks affected (none for the split stage: the whole file). */
  chunks: number[];
  /** Records affected (of those chunks, or of the file). */
  records: number;
  errorType: string;
  error: string;
  since: string;
}

export interface ApproveRequest {
  /** Only work of this stage; all awaiting work when absent. */
  stage?: Stage;
  by?: string;
  /** Retry overrides for the approved work, e.g. { window: 21600000 } for six more hours. */
  retry?: Partial<StageRetry>;
}

export interface DropRequest {
  reason: string;
  by: string;
  stage?: Stage;
}

export interface DecisionRecord {
  kind: 'approve' | 'drop';
  awaitingId: number;
  stage: Stage;
  chunks: number[];
  by?: string;
  reason?: string;
  at: string;
}

/** A record a sink rejected by itself (found by bisection) and quarantined. */
export interface PoisonRecord {
  line: number;
  error: string;
}

/**
 * A file's counts and outcomes so far: what one run carries into the next (continue-as-new), and the common part
 * of the status a query answers and of the summary a finished workflow returns.
 */
export interface IngestTotals {
  fileId: string;
  /** The object this workflow ingests (a reference, never its data). */
  file: FileRef;
  source: string;
  chunksTotal: number;
  chunksDone: number;
  records: number;
  parsed: number;
  quarantined: number;
  /** Blank lines skipped (not records). */
  blank?: number;
  /** Records flagged event_time_out_of_range (partitioned by the file's time). */
  outOfRange?: number;
  /** Set when the file ends: what an operator should know, in words. */
  summary?: string;
  written: Record<SinkName, number>;
  bytes: number;
  compressedBytes: number;
  gzip: boolean;
  warnings: string[];
  /** The log type the split recognised (`--log-type auto`). */
  logType?: string;
  /** Not ingested on purpose, counted by reason (e.g. `cloudtrail-digest`). */
  skipped?: Record<string, number>;
  /** Records each sink rejected one by one (bisected out and quarantined). */
  rejected: Record<SinkName, number>;
  decisions: DecisionRecord[];
  /** Chunks dropped by a person's decision, per stage ("split" drops the whole file). */
  dropped: { stage: Stage; chunks: number[] }[];
  reminders: number;
  lastReminderAt?: string;
  /** Workflow runs so far (continue-as-new keeps history bounded for files with many chunks). */
  runs: number;
  startedAt: string;
  splitMs?: number;
}

/** What the status query answers while a file is ingested: its totals and what is happening right now. */
export interface IngestStatus extends IngestTotals {
  status: PipelineStatusValue;
  stage: 'split' | 'process' | 'done';
  chunksInFlight: number[];
  /** Work scheduled and not yet finished (retries included), so status can say what waits since when. */
  running: RunningWork[];
  awaiting: AwaitingDecision[];
  finishedAt?: string;
  durationMs?: number;
}

/** What a finished ingest returns. Nothing is in flight or awaiting any more (awaiting stays, always empty). */
export interface IngestSummary extends IngestTotals {
  status: 'Completed' | 'MostlyQuarantined' | 'Dropped';
  stage: 'done';
  awaiting: AwaitingDecision[];
  finishedAt: string;
  durationMs: number;
}

/** Quarantines the records one sink rejected by themselves (found by bisection). */
export interface QuarantineRejectedInput {
  file: FileRef;
  fileId: string;
  chunk: number;
  sink: SinkName;
  rejects: PoisonRecord[];
}

/** Writes the audit record of a person's decision. */
export interface RecordDecisionInput {
  file: FileRef;
  decision: DecisionRecord;
  /** What the decision was about, as the workflow saw it. */
  error: string;
  records: number;
}

/** Re-sends one quarantine object of sink-rejected records to that sink. */
export interface ReplayRejectedInput {
  /** A `rejected-<sink>-chunk-N.ndjson` object in the quarantine bucket. */
  key: string;
  sink: SinkName;
}

export interface ReplayRejectedResult {
  written: number;
  stillRejected: number;
}
