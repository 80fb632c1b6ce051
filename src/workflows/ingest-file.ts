import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  type IngestInput,
  type IngestProgress,
  type IngestSummary,
  SINK_NAMES,
  type SinkName,
} from '../shared/ingest-types';
import { FailedStage, LogType, PipelineStatus, SourceKey, Tenant } from '../shared/search-attributes';
import { DEFAULT_OPTIONS, statusQuery } from './definitions';
import { PROCESS, SINKS, SPLIT } from './policies';
import { forEachWindowed } from './windowed';

const { splitFile } = proxyActivities<Activities>(SPLIT);
const { processChunk } = proxyActivities<Activities>(PROCESS);
const sinkActivity: Record<SinkName, Activities['sink_s3']> = {
  s3: proxyActivities<Activities>(SINKS.s3).sink_s3,
  snowflake: proxyActivities<Activities>(SINKS.snowflake).sink_snowflake,
  opensearch: proxyActivities<Activities>(SINKS.opensearch).sink_opensearch,
};

/**
 * One file, one workflow: split into record-aligned chunks, then for each chunk (a sliding window of them)
 * process, then write to every sink in parallel. Only keys and counts pass through here (claim check).
 */
export async function ingestFile(input: IngestInput): Promise<IngestSummary> {
  const { file } = input;
  const opts = { ...DEFAULT_OPTIONS, ...input.options };
  const startedAt = Date.now();
  const progress: IngestProgress = {
    fileId: '',
    status: 'Running',
    stage: 'split',
    source: `s3://${file.bucket}/${file.key}`,
    chunksTotal: 0,
    chunksDone: 0,
    chunksInFlight: [],
    records: 0,
    parsed: 0,
    quarantined: 0,
    written: { s3: 0, snowflake: 0, opensearch: 0 },
    bytes: 0,
    compressedBytes: 0,
    gzip: false,
    warnings: [],
    startedAt: new Date(startedAt).toISOString(),
  };
  setHandler(statusQuery, () => progress);
  upsertSearchAttributes([
    { key: PipelineStatus, value: 'Running' },
    { key: Tenant, value: file.tenant },
    { key: SourceKey, value: progress.source },
    { key: LogType, value: file.logType },
  ]);

  try {
    const split = await splitFile({
      file,
      chunkTargetBytes: opts.chunkTargetBytes,
      maxRecordBytes: opts.maxRecordBytes,
    });
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
      splitMs: Date.now() - startedAt,
    });
    const ingestTime = workflowInfo().startTime.toISOString();

    await forEachWindowed(split.chunkCount, opts.maxChunksInFlight, async (chunk) => {
      progress.chunksInFlight.push(chunk);
      const processed = await processChunk({ fileId: split.fileId, chunk, file, fileTime: split.fileTime, ingestTime });
      progress.parsed += processed.parsed;
      progress.quarantined += processed.quarantined;
      if (processed.parsed > 0) {
        const target = { fileId: split.fileId, chunk, firstLine: processed.firstLine, lastLine: processed.lastLine };
        const results = await Promise.all(SINK_NAMES.map((name) => sinkActivity[name](target)));
        for (const r of results) progress.written[r.sink] += r.written;
      }
      progress.chunksInFlight = progress.chunksInFlight.filter((c) => c !== chunk);
      progress.chunksDone += 1;
    });
  } catch (err) {
    progress.status = 'Failed';
    const stage = failedStage(err);
    upsertSearchAttributes([
      { key: PipelineStatus, value: 'Failed' },
      { key: FailedStage, value: stage },
    ]);
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'Error';
    const reason = (cause as Error).message;
    throw ApplicationFailure.create({
      // Activities name the source themselves; say it once.
      message: reason.includes(progress.source)
        ? `${stage} failed: ${reason}`
        : `${stage} failed for ${progress.source}: ${reason}`,
      type,
      nonRetryable: true,
      cause: cause as Error,
    });
  }

  progress.stage = 'done';
  progress.status = 'Completed';
  progress.finishedAt = new Date().toISOString();
  progress.durationMs = Date.now() - startedAt;
  upsertSearchAttributes([{ key: PipelineStatus, value: 'Completed' }]);
  return progress;
}

function failedStage(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.activityType === 'splitFile') return 'split';
    if (err.activityType === 'processChunk') return 'process';
    return err.activityType?.replace(/^sink_/, 'sink:') ?? 'unknown';
  }
  return 'workflow';
}
