import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PipelineMetrics } from '../metrics/workflow-metrics';
import {
  type IngestInput,
  type IngestProgress,
  type IngestSummary,
  type RunningWork,
  SINK_NAMES,
  type SinkName,
  type SplitResult,
  STAGES,
  type Stage,
  type StageRetry,
} from '../shared/ingest-types';
import { LogType, PipelineStatus, SourceKey, Tenant } from '../shared/search-attributes';
import { sinkTaskQueue } from '../shared/task-queues';
import { writeBisecting } from './bisect';
import { DecisionDesk } from './decision-desk';
import { DEFAULT_OPTIONS, DEFAULT_RETRY, statusQuery } from './definitions';
import { activityOptions } from './policies';
import { forEachWindowed } from './windowed';

// Quarantine and audit writes retry without a window: what they record must not be lost.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const sinkActivity = (a: Activities, sink: SinkName) =>
  ({ s3: a.sink_s3, snowflake: a.sink_snowflake, opensearch: a.sink_opensearch })[sink];

const isSink = (stage: Stage): stage is SinkName => (SINK_NAMES as readonly string[]).includes(stage);

/**
 * One file, one workflow: split into record-aligned chunks; for each chunk (a sliding window of them) process,
 * then write to every sink in parallel, bisecting out records a sink rejects. Work that fails past its retry
 * window, or permanently, waits for a person's approve or drop. Only keys and counts pass through here.
 * Every `chunksPerRun` chunks (or sooner, when Temporal suggests it) the workflow continues as new, carrying
 * its progress, so a file of any size keeps a bounded history.
 */
export async function ingestFile(input: IngestInput): Promise<IngestSummary> {
  const { file, resume } = input;
  const opts = { ...DEFAULT_OPTIONS, ...input.options };
  const retry = Object.fromEntries(
    STAGES.map((s) => [s, { ...DEFAULT_RETRY[s], ...input.options?.retry?.[s] }]),
  ) as Record<Stage, StageRetry>;
  const progress: IngestProgress = resume
    ? { ...resume.progress, running: [], runs: resume.progress.runs + 1 }
    : initialProgress(input);
  const metrics = new PipelineMetrics(file, opts.metricLabels);
  const sinkQueue = (sink: SinkName) => sinkTaskQueue(workflowInfo().taskQueue, sink);
  setHandler(statusQuery, () => progress);
  const desk = new DecisionDesk(progress, opts.reminderInterval);
  desk.install();
  upsertSearchAttributes([
    { key: PipelineStatus, value: 'Running' },
    { key: Tenant, value: file.tenant },
    { key: SourceKey, value: progress.source },
    { key: LogType, value: file.logType },
  ]);

  /** Runs one stage's work; on failure parks it and retries or drops as a person decides. */
  async function decided<T>(
    stage: Stage,
    chunks: number[],
    records: () => number,
    work: (a: Activities) => Promise<T>,
  ): Promise<T | undefined> {
    let override: Partial<StageRetry> | undefined;
    for (;;) {
      const policy = { ...retry[stage], ...override };
      const activities = proxyActivities<Activities>(
        activityOptions(stage, policy, isSink(stage) ? sinkQueue(stage) : undefined),
      );
      try {
        return await tracked({ stage, chunk: chunks[0], since: new Date().toISOString() }, () => work(activities));
      } catch (err) {
        const failure = describeFailure(err, policy);
        if (!failure) throw err;
        metrics.parked(stage, failure.errorType);
        const { outcome, record } = await desk.park({ stage, chunks, records: records(), ...failure });
        await bookkeeping.recordDecision({
          file,
          decision: record,
          error: failure.error,
          records: records(),
        });
        if (outcome.kind === 'drop') {
          progress.dropped.push({ stage, chunks });
          return undefined;
        }
        override = outcome.retry;
      }
    }
  }

  /** Work in progress, attempts and retries included: what `status` reports as waiting, and since when. */
  async function tracked<T>(running: RunningWork, work: () => Promise<T>): Promise<T> {
    progress.running.push(running);
    try {
      const result = await work();
      metrics.stage(running.stage, running.since);
      return result;
    } finally {
      progress.running = progress.running.filter((r) => r !== running);
    }
  }

  let split: SplitResult;
  let ingestTime: string;
  if (resume) ({ split, ingestTime } = resume);
  else {
    const result = await decided(
      'split',
      [],
      () => 0,
      (a) => a.splitFile({ file, chunkTargetBytes: opts.chunkTargetBytes, maxRecordBytes: opts.maxRecordBytes }),
    );
    if (!result) {
      metrics.finished('Dropped', undefined);
      return finish(progress, 'Dropped');
    }
    split = result;
    metrics.split(split);
    Object.assign(progress, {
      fileId: split.fileId,
      stage: 'process',
      chunksTotal: split.chunkCount,
      records: split.records,
      quarantined: split.quarantined,
      bytes: split.bytes,
      compressedBytes: split.compressedBytes,
      gzip: split.gzip,
      warnings: split.warnings,
      splitMs: Date.now() - Date.parse(progress.startedAt),
    });
    ingestTime = workflowInfo().startTime.toISOString();
  }

  /** One chunk: process it, then write it to every sink at once. */
  async function ingestChunk(chunk: number): Promise<void> {
    progress.chunksInFlight.push(chunk);
    const processed = await decided(
      'process',
      [chunk],
      () => 0,
      (a) => a.processChunk({ fileId: split.fileId, chunk, file, fileTime: split.fileTime, ingestTime }),
    );
    if (processed) {
      metrics.processed(processed);
      progress.parsed += processed.parsed;
      progress.quarantined += processed.quarantined;
      if (processed.parsed > 0) {
        const target = { fileId: split.fileId, chunk, firstLine: processed.firstLine, lastLine: processed.lastLine };
        await Promise.all(
          SINK_NAMES.map((sink) =>
            decided(
              sink,
              [chunk],
              () => processed.parsed,
              async (a) => {
                const { written, poison } = await writeBisecting(sinkActivity(a, sink), target, opts.maxPoisonPerChunk);
                if (poison.length) {
                  await bookkeeping.quarantineRejected({ file, fileId: split.fileId, chunk, sink, rejects: poison });
                  progress.rejected[sink] += poison.length;
                }
                progress.written[sink] += written;
                metrics.written(sink, written, poison.length);
              },
            ),
          ),
        );
      }
    }
    progress.chunksInFlight = progress.chunksInFlight.filter((c) => c !== chunk);
    progress.chunksDone += 1;
    metrics.chunkDone();
  }

  const first = resume?.nextChunk ?? 0;
  const ran = await forEachWindowed(
    Math.min(split.chunkCount - first, opts.chunksPerRun),
    opts.maxChunksInFlight,
    (i) => ingestChunk(first + i),
    () => workflowInfo().continueAsNewSuggested,
  );
  const nextChunk = first + ran;
  if (nextChunk < split.chunkCount) {
    // Signals and updates already accepted finish here, not in a run that is gone.
    await condition(allHandlersFinished);
    await continueAsNew<typeof ingestFile>({ ...input, resume: { split, ingestTime, nextChunk, progress } });
  }
  metrics.finished('Completed', split.fileTime);
  return finish(progress, 'Completed');
}

function initialProgress(input: IngestInput): IngestProgress {
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
    written: { s3: 0, snowflake: 0, opensearch: 0 },
    rejected: { s3: 0, snowflake: 0, opensearch: 0 },
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
    startedAt: new Date().toISOString(),
  };
}

function finish(progress: IngestProgress, status: 'Completed' | 'Dropped'): IngestSummary {
  progress.stage = 'done';
  progress.status = status;
  progress.finishedAt = new Date().toISOString();
  progress.durationMs = Date.now() - Date.parse(progress.startedAt);
  upsertSearchAttributes([{ key: PipelineStatus, value: status }]);
  return progress;
}

/** What an operator needs to know about a failure that waits for them; undefined for a bug (not parked). */
function describeFailure(err: unknown, retry: StageRetry): { errorType: string; error: string } | undefined {
  if (err instanceof ApplicationFailure && err.type === 'TooManyRejected')
    return { errorType: err.type, error: err.message };
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  // The window runs out either during an attempt (a schedule-to-close TimeoutFailure) or, more often, between
  // attempts: then Temporal reports the last attempt's own error with retry state TIMEOUT.
  if (cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT') {
    const last = cause instanceof TimeoutFailure ? (cause.cause as Error | undefined)?.message : cause?.message;
    return {
      errorType: 'RetryWindowExhausted',
      error: `still failing after the ${Math.round(retry.window / 60_000)} min retry window${last ? `; last error: ${last}` : ''}`,
    };
  }
  if (cause instanceof ApplicationFailure) return { errorType: cause.type ?? 'Error', error: cause.message };
  return { errorType: cause?.name ?? 'Error', error: cause?.message ?? err.message };
}
