import {
  ActivityFailure,
  type ActivityInterfaceFor,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { workflowDefaults } from '../config/defaults';
import { INPUT_REFUSAL_TYPES, SYSTEMIC_REFUSAL, WORKFLOW_ERROR_TYPES } from '../contracts/errors';
import {
  type IngestInput,
  type IngestSummary,
  type RunningWork,
  type SplitResult,
  STAGES,
  type Stage,
  type StageRetry,
} from '../contracts/ingest';
import { statusQuery } from '../contracts/messages';
import {
  AwaitingDecisionSince,
  FailedStage,
  LogType,
  PipelineStatus,
  QuarantinedRecords,
  SourceKey,
  Tenant,
} from '../contracts/search-attributes';
import { isSinkName, SINK_NAMES, type SinkName, sinkActivityName, sinkTaskQueue } from '../contracts/sinks';
import { ingestInputProblems } from '../contracts/validation';
import { PipelineMetrics } from '../metrics/workflow-metrics';
import { activitySummary, bisectSummary, currentDetails } from '../shared/ui-text';
import { writeBisecting } from './bisect';
import { DecisionDesk } from './decision-desk';
import {
  finishState,
  type IngestState,
  initialState,
  recordSplit,
  resumedState,
  statusOf,
  totalsOf,
} from './ingest-state';
import { activityOptions } from './policies';
import { quarantinedOf, summarize } from './summary';
import { forEachWindowed } from './windowed';

// Quarantine and audit writes retry without a window: what they record must not be lost.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

type ActivityProxy = ActivityInterfaceFor<Activities>;

const sinkActivity = (a: ActivityProxy, sink: SinkName) => a[sinkActivityName(sink)];

/** What a workflow started without options (e.g. by the stock `temporal` CLI) uses: the settings' defaults. */
const DEFAULTS = workflowDefaults();

/**
 * One file, one workflow: split into record-aligned chunks; for each chunk (a sliding window of them) process,
 * then write to every sink in parallel, bisecting out records a sink rejects. Work that fails past its retry
 * window, or permanently, waits for a person's approve or drop. Only keys and counts pass through here.
 * Every `chunksPerRun` chunks (or sooner, when Temporal suggests it) the workflow continues as new, carrying
 * its progress, so a file of any size keeps a bounded history.
 */
export async function ingestFile(input: IngestInput): Promise<IngestSummary> {
  // First thing, whoever started it (stock CLI, Web UI, SDK): a bad input fails fast and says why, before any
  // search attribute, prefix or index is derived from it.
  const problems = ingestInputProblems(input);
  if (problems.length) {
    upsertSearchAttributes([{ key: PipelineStatus, value: 'Failed' }]);
    throw ApplicationFailure.nonRetryable(
      `invalid ingest input: ${problems.join('; ')}`,
      WORKFLOW_ERROR_TYPES.invalidInput,
    );
  }
  try {
    return await ingest(input);
  } catch (err) {
    // A cancelled file is no longer waiting for anyone: clear what `sluice stuck` and the Web UI filter on.
    if (isCancellation(err)) {
      upsertSearchAttributes([
        { key: PipelineStatus, value: 'Cancelled' },
        { key: FailedStage, value: null },
        { key: AwaitingDecisionSince, value: null },
      ]);
    }
    throw err;
  }
}

async function ingest(input: IngestInput): Promise<IngestSummary> {
  const { file, resume } = input;
  const opts = { ...DEFAULTS.pipeline, ...input.options };
  const retry = Object.fromEntries(
    STAGES.map((s) => [s, { ...DEFAULTS.retry[s], ...input.options?.retry?.[s] }]),
  ) as Record<Stage, StageRetry>;
  const progress: IngestState = resume ? resumedState(resume) : initialState(input, new Date());
  const metrics = new PipelineMetrics(file, opts.metricLabels);
  const sinkQueue = (sink: SinkName) => sinkTaskQueue(workflowInfo().taskQueue, sink);
  setHandler(statusQuery, () => statusOf(progress));
  // The Web UI's "current details": refreshed whenever progress changes (no command, so replay-safe).
  const showDetails = () => setCurrentDetails(currentDetails(workflowInfo().workflowId, progress));
  showDetails();
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
    work: (a: ActivityProxy) => Promise<T>,
  ): Promise<T | undefined> {
    let override: Partial<StageRetry> | undefined;
    for (;;) {
      const policy = { ...retry[stage], ...override };
      const activities = proxyActivities<Activities>({
        ...activityOptions(stage, policy, isSinkName(stage) ? sinkQueue(stage) : undefined),
        summary: activitySummary(stage, file, chunks[0], isSinkName(stage) ? records() : undefined),
      });
      try {
        return await tracked({ stage, chunk: chunks[0], since: new Date().toISOString() }, () => work(activities));
      } catch (err) {
        const failure = describeFailure(err, policy);
        if (!failure) throw err;
        // The worker refused the input itself (a source outside the tenant's, a log type it has no parser
        // for): no decision can make it valid, so the file fails fast like any other invalid input.
        if (INPUT_REFUSAL_TYPES.includes(failure.errorType)) {
          upsertSearchAttributes([{ key: PipelineStatus, value: 'Failed' }]);
          throw ApplicationFailure.nonRetryable(failure.error, failure.errorType);
        }
        metrics.parked(stage, failure.errorType);
        const parked = desk.park({ stage, chunks, records: records(), ...failure });
        showDetails();
        const { outcome, record } = await parked;
        showDetails();
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
    showDetails();
    try {
      const result = await work();
      metrics.stage(running.stage, running.since);
      return result;
    } finally {
      progress.running = progress.running.filter((r) => r !== running);
      showDetails();
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
      (a) =>
        a.splitFile({
          file,
          chunkTargetBytes: opts.chunkTargetBytes,
          maxRecordBytes: opts.maxRecordBytes,
          maxRecordsPerChunk: opts.maxRecordsPerChunk,
          maxDecompressedBytes: opts.maxDecompressedBytes,
          maxCompressionRatio: opts.maxCompressionRatio,
        }),
    );
    if (!result) {
      metrics.finished('Dropped', undefined);
      return finish(progress, 'Dropped', showDetails);
    }
    split = result;
    metrics.split(split);
    recordSplit(progress, split, new Date());
    ingestTime = workflowInfo().startTime.toISOString();
  }

  /** One chunk: process it, then write it to every sink at once. */
  async function ingestChunk(chunk: number): Promise<void> {
    progress.chunksInFlight.push(chunk);
    const processed = await decided(
      'process',
      [chunk],
      () => 0,
      (a) =>
        a.processChunk({
          fileId: split.fileId,
          chunk,
          file,
          fileTime: split.fileTime,
          ingestTime,
          eventTimeWindow: { maxAge: opts.eventTimeMaxAge, maxAhead: opts.eventTimeMaxAhead },
        }),
    );
    if (processed) {
      metrics.processed(processed);
      progress.parsed += processed.parsed;
      progress.outOfRange = (progress.outOfRange ?? 0) + (processed.outOfRange ?? 0);
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
                const write = sinkActivity(a, sink);
                // A bisection step writes part of the chunk: its timeline entry names the lines, not the chunk.
                const { written, poison } = await writeBisecting(
                  (t) =>
                    t.firstLine === target.firstLine && t.lastLine === target.lastLine
                      ? write(t)
                      : write.executeWithOptions({ summary: bisectSummary(sink, chunk, t.firstLine, t.lastLine) }, [t]),
                  target,
                  opts.maxPoisonPerChunk,
                );
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
    showDetails();
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
    await continueAsNew<typeof ingestFile>({
      ...input,
      resume: { split, ingestTime, nextChunk, progress: totalsOf(progress) },
    });
  }
  const summary = finish(progress, 'Completed', showDetails, opts.quarantineAlertRatio);
  metrics.finished(summary.status, split.fileTime);
  return summary;
}

/**
 * Ends the file: a Completed one mostly (or wholly) quarantined becomes MostlyQuarantined, with a summary in
 * words; the quarantined count goes to a search attribute the Web UI can filter on.
 */
function finish(
  state: IngestState,
  outcome: 'Completed' | 'Dropped',
  showDetails: () => void,
  alertRatio = 1,
): IngestSummary {
  const { status, summary } = summarize(state, outcome, alertRatio);
  state.summary = summary;
  const result = finishState(state, status, new Date());
  upsertSearchAttributes([
    { key: PipelineStatus, value: status },
    { key: QuarantinedRecords, value: quarantinedOf(state) },
  ]);
  showDetails();
  return result;
}

/** What an operator needs to know about a failure that waits for them; undefined for a bug (not parked). */
function describeFailure(err: unknown, retry: StageRetry): { errorType: string; error: string } | undefined {
  if (err instanceof ApplicationFailure && err.type === WORKFLOW_ERROR_TYPES.tooManyRejected)
    return { errorType: err.type, error: err.message };
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  // The window runs out either during an attempt (a schedule-to-close TimeoutFailure) or, more often, between
  // attempts: then Temporal reports the last attempt's own error with retry state TIMEOUT.
  if (cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT') {
    const last = cause instanceof TimeoutFailure ? (cause.cause as Error | undefined)?.message : cause?.message;
    // A destination refusing everything (a cluster block, the shard limit, a missing bucket) keeps its own
    // type, so an operator sees at once that no record is at fault.
    // When the window ran out during an attempt, the last failure is the timeout's own cause.
    const lastFailure = cause instanceof TimeoutFailure ? cause.cause : cause;
    const systemic = lastFailure instanceof ApplicationFailure && lastFailure.type === SYSTEMIC_REFUSAL;
    return {
      errorType: systemic ? SYSTEMIC_REFUSAL : WORKFLOW_ERROR_TYPES.retryWindowExhausted,
      error: `still failing after the ${Math.round(retry.window / 60_000)} min retry window${last ? `; last error: ${last}` : ''}`,
    };
  }
  if (cause instanceof ApplicationFailure) return { errorType: cause.type ?? 'Error', error: cause.message };
  return { errorType: cause?.name ?? 'Error', error: cause?.message ?? err.message };
}
