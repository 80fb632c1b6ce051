import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { resolveSource } from '../src/client/sources';
import type { IngestStatus, IngestSummary } from '../src/contracts/ingest';
import { statusQuery } from '../src/contracts/messages';
import { type BenchContext, cpuMeterFor, ingestClientOn, taskQueueFor, tenantFor } from './bench-context';
import type { CpuUsage } from './cpu-usage';
import { BENCH_LOG_TYPE, writeRecordsFile } from './generate-file';
import { formatBytes, MiB, rate, seconds } from './units';
import { startWorkerChild, type WorkerMemory } from './worker-child';
import { type HistoryFigures, historyFigures } from './workflow-history';

/** One generated file through the whole pipeline, on a worker process of its own. */
export interface FileRunResult {
  label: string;
  tenant: string;
  workflowId: string;
  fileId: string;
  /** Uncompressed bytes asked for, and the size of the object uploaded (smaller when gzip). */
  requestedBytes: number;
  objectBytes: number;
  gzip: boolean;
  generateMs: number;
  /** Hashing (for the content-addressed key) and the streaming PutObject. */
  uploadMs: number;
  /** Upload done → workflow completed (every sink acknowledged every chunk). */
  arrivalToDoneMs: number;
  summary: Pick<
    IngestSummary,
    'status' | 'records' | 'parsed' | 'quarantined' | 'written' | 'bytes' | 'compressedBytes' | 'chunksTotal'
  >;
  history: HistoryFigures;
  /** From upload done to the workflow's completion. */
  cpu: CpuUsage;
  worker: WorkerMemory & { idleRssBytes: number };
}

const PROGRESS_EVERY_MS = 15_000;

/**
 * Says how far the file is every so often, and fails fast if it waits for a decision: the bench has no one to
 * approve, and the workflow would otherwise wait forever.
 */
function watch(handle: WorkflowHandle, say: (line: string) => void): { stop(): void; parked: Promise<never> } {
  let timer: NodeJS.Timeout | undefined;
  const parked = new Promise<never>((_, reject) => {
    timer = setInterval(async () => {
      const p: IngestStatus | undefined = await handle.query(statusQuery).catch(() => undefined);
      if (!p) return;
      if (p.status === 'AwaitingDecision') {
        const what = p.awaiting.map((a) => `${a.stage}: ${a.errorType}: ${a.error}`).join('; ');
        reject(new Error(`${handle.workflowId} waits for a decision (${what})`));
      }
      if (p.stage === 'split') say('  splitting');
      else say(`  ${p.chunksDone}/${p.chunksTotal} chunks done, run ${p.runs}, written ${JSON.stringify(p.written)}`);
    }, PROGRESS_EVERY_MS);
  });
  parked.catch(() => undefined);
  return { stop: () => clearInterval(timer), parked };
}

export async function runFile(
  ctx: BenchContext,
  label: string,
  bytes: number,
  opts: { gzip: boolean; seed: number },
): Promise<FileRunResult> {
  const tenant = tenantFor(ctx, label);
  const taskQueue = taskQueueFor(ctx, label);
  const local = path.join(ctx.tmpDir, `${label}.ndjson${opts.gzip ? '.gz' : ''}`);

  ctx.say(`${label}: generating ${formatBytes(bytes)} of ${BENCH_LOG_TYPE} records in ${local}`);
  const generated = Date.now();
  await writeRecordsFile(local, bytes, opts.seed, opts.gzip);
  const generateMs = Date.now() - generated;
  const objectBytes = statSync(local).size;

  // The worker starts before the upload, so its start-up is not counted as pipeline time.
  const worker = await startWorkerChild(taskQueue, path.join(ctx.tmpDir, `worker-${label}.log`));
  const ingest = await ingestClientOn(ctx, taskQueue);
  try {
    const uploadStart = Date.now();
    const file = await resolveSource(local, {
      s3: ctx.s3,
      cfg: ctx.cfg,
      tenant,
      logType: BENCH_LOG_TYPE,
      upload: true,
    });
    const arrivedAt = Date.now();
    const uploadMs = arrivedAt - uploadStart;
    rmSync(local);
    ctx.say(`${label}: uploaded ${formatBytes(objectBytes)} in ${seconds(uploadMs)}; ingesting on ${taskQueue}`);

    // client.workflow.start's handle; IngestClient types it as the plain handle.
    const cpu = cpuMeterFor(ctx, worker.pid);
    cpu.begin();
    const handle = (await ingest.start(file)) as WorkflowHandleWithFirstExecutionRunId;
    const watcher = watch(handle, ctx.say);
    let summary: IngestSummary;
    try {
      summary = (await Promise.race([handle.result(), worker.crashed, watcher.parked])) as IngestSummary;
    } finally {
      watcher.stop();
    }
    const cpuUsage = cpu.end();
    const memory = await worker.stop();
    const history = await historyFigures(ingest.client, handle.workflowId, handle.firstExecutionRunId);
    const arrivalToDoneMs = history.closedAtMs - arrivedAt;
    ctx.say(
      `${label}: ${summary.records} records in ${seconds(arrivalToDoneMs)} ` +
        `(${rate(summary.bytes / MiB, arrivalToDoneMs).toFixed(1)} MiB/s), ${history.runs} run(s), ` +
        `${history.events} history events, worker peak RSS ${formatBytes(memory.peakRssBytes)}`,
    );
    return {
      label,
      tenant,
      workflowId: handle.workflowId,
      fileId: summary.fileId,
      requestedBytes: bytes,
      objectBytes,
      gzip: opts.gzip,
      generateMs,
      uploadMs,
      arrivalToDoneMs,
      summary: {
        status: summary.status,
        records: summary.records,
        parsed: summary.parsed,
        quarantined: summary.quarantined,
        written: summary.written,
        bytes: summary.bytes,
        compressedBytes: summary.compressedBytes,
        chunksTotal: summary.chunksTotal,
      },
      history,
      cpu: cpuUsage,
      worker: { idleRssBytes: worker.idleRssBytes, ...memory },
    };
  } finally {
    // Stops the worker too if the run failed; after a successful stop this is a no-op.
    await worker.stop();
    await ingest.close();
    rmSync(local, { force: true });
  }
}
