import type {
  IngestInput,
  IngestResume,
  IngestStatus,
  IngestSummary,
  IngestTotals,
  SplitResult,
} from '../contracts/ingest';
import { perSink } from '../contracts/sinks';

/**
 * The workflow's own mutable state. Never handed out as is: the status query gets `statusOf`, the result is
 * `summaryOf`, and continue-as-new carries only `totalsOf`.
 */
export type IngestState = IngestStatus;

export function initialState(input: IngestInput, now: Date): IngestState {
  return {
    fileId: '',
    file: input.file,
    status: 'Running',
    stage: 'split',
    source: `s3://${input.file.bucket}/${input.file.key}`,
    chunksTotal: 0,
    chunksDone: 0,
    chunksInFlight: [],
    records: 0,
    parsed: 0,
    quarantined: 0,
    written: perSink(() => 0),
    rejected: perSink(() => 0),
    bytes: 0,
    compressedBytes: 0,
    gzip: false,
    warnings: [],
    awaiting: [],
    decisions: [],
    dropped: [],
    reminders: 0,
    running: [],
    runs: 1,
    startedAt: now.toISOString(),
  };
}

/** A new run goes on from the totals the previous one carried; nothing is in flight or awaiting at its start. */
export function resumedState(resume: IngestResume): IngestState {
  return {
    ...totalsOf(resume.progress),
    status: 'Running',
    stage: 'process',
    chunksInFlight: [],
    running: [],
    awaiting: [],
    runs: resume.progress.runs + 1,
  };
}

/** What the split found, recorded once. */
export function recordSplit(state: IngestState, split: SplitResult, now: Date): void {
  Object.assign(state, {
    fileId: split.fileId,
    stage: 'process',
    chunksTotal: split.chunkCount,
    records: split.records,
    blank: split.blank ?? 0,
    quarantined: split.quarantined,
    bytes: split.bytes,
    compressedBytes: split.compressedBytes,
    gzip: split.gzip,
    warnings: split.warnings,
    ...(split.logType !== undefined ? { logType: split.logType } : {}),
    ...(split.skipped !== undefined ? { skipped: { ...split.skipped } } : {}),
    splitMs: now.getTime() - Date.parse(state.startedAt),
  });
}

/** Picked field by field: a run started before this split carried its whole status, extra fields included. */
export function totalsOf(s: IngestTotals): IngestTotals {
  return {
    fileId: s.fileId,
    file: s.file,
    source: s.source,
    chunksTotal: s.chunksTotal,
    chunksDone: s.chunksDone,
    records: s.records,
    parsed: s.parsed,
    quarantined: s.quarantined,
    ...(s.blank !== undefined ? { blank: s.blank } : {}),
    ...(s.outOfRange !== undefined ? { outOfRange: s.outOfRange } : {}),
    ...(s.summary !== undefined ? { summary: s.summary } : {}),
    written: { ...s.written },
    bytes: s.bytes,
    compressedBytes: s.compressedBytes,
    gzip: s.gzip,
    warnings: [...s.warnings],
    ...(s.logType !== undefined ? { logType: s.logType } : {}),
    ...(s.skipped !== undefined ? { skipped: { ...s.skipped } } : {}),
    rejected: { ...s.rejected },
    decisions: [...s.decisions],
    dropped: [...s.dropped],
    reminders: s.reminders,
    ...(s.lastReminderAt !== undefined ? { lastReminderAt: s.lastReminderAt } : {}),
    runs: s.runs,
    startedAt: s.startedAt,
    ...(s.splitMs !== undefined ? { splitMs: s.splitMs } : {}),
  };
}

export function statusOf(state: IngestState): IngestStatus {
  return {
    ...state,
    chunksInFlight: [...state.chunksInFlight],
    running: [...state.running],
    awaiting: [...state.awaiting],
  };
}

/** The result of a finished ingest; also marks the state finished, so a last status query agrees with it. */
export function finishState(state: IngestState, status: IngestSummary['status'], now: Date): IngestSummary {
  state.stage = 'done';
  state.status = status;
  state.finishedAt = now.toISOString();
  state.durationMs = now.getTime() - Date.parse(state.startedAt);
  return {
    ...totalsOf(state),
    status,
    stage: 'done',
    awaiting: [],
    finishedAt: state.finishedAt,
    durationMs: state.durationMs,
  };
}
