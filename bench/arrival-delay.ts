import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import type { IngestClient } from '../src/client/ingest-client';
import { type FileRef, type IngestSummary, SINK_NAMES } from '../src/contracts/ingest';
import { type BenchContext, cpuMeterFor, ingestClientOn, taskQueueFor, tenantFor } from './bench-context';
import type { CpuUsage } from './cpu-usage';
import { BENCH_LOG_TYPE, recordsBuffer } from './generate-file';
import { percentile, sleep } from './units';
import { startWorkerChild, type WorkerMemory } from './worker-child';

export interface ArrivalSettings {
  /** Files per second. */
  rate: number;
  seconds: number;
  fileBytes: number;
}

export interface ArrivalResult extends ArrivalSettings {
  files: number;
  /** Files that did not complete (failed, or not every record written). */
  failed: number;
  /** Arrivals per second actually achieved (uploads can fall behind the schedule). */
  achievedRate: number;
  recordsPerFile: number;
  /** Upload done → workflow completed, ms. */
  delayMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  uploadMsP50: number;
  historyEventsPerFile: number;
  /** From the first arrival to the last file's completion. */
  cpu: CpuUsage;
  worker: WorkerMemory & { idleRssBytes: number };
  fileIds: string[];
}

const DRAIN_LIMIT_MS = 300_000;

function deadline(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref());
}

interface Arrival {
  arrivedAt: number;
  handle: WorkflowHandle;
  uploadMs: number;
}

/** Puts one file in the landing bucket (as a producer would) and starts its workflow (as a notification would). */
async function arrive(
  ctx: BenchContext,
  ingest: IngestClient,
  tenant: string,
  i: number,
  body: Buffer,
): Promise<Arrival> {
  const key = `uploads/${tenant}/arrival-${String(i).padStart(5, '0')}.ndjson`;
  const putStart = Date.now();
  const put = await ctx.s3.send(
    new PutObjectCommand({ Bucket: ctx.cfg.s3.landingBucket, Key: key, Body: body, ContentLength: body.length }),
  );
  const arrivedAt = Date.now();
  const etag = (put.ETag ?? '').replace(/^"|"$/g, '');
  const file: FileRef = { bucket: ctx.cfg.s3.landingBucket, key, etag, tenant, logType: BENCH_LOG_TYPE };
  return { arrivedAt, handle: await ingest.start(file), uploadMs: arrivedAt - putStart };
}

function summarize(delays: number[]): ArrivalResult['delayMs'] {
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
  };
}

/**
 * Small files arriving at a steady rate, each started the moment its upload is done, and the delay until all
 * its sinks acknowledged it (the workflow's close, server time). One file goes through first, unmeasured, so
 * the worker's first-use costs (sink connections, index template, table migration) are not in the figures.
 */
export async function runArrivals(ctx: BenchContext, settings: ArrivalSettings): Promise<ArrivalResult> {
  const label = 'arrival';
  const tenant = tenantFor(ctx, label);
  const taskQueue = taskQueueFor(ctx, label);
  const count = Math.max(1, Math.round(settings.rate * settings.seconds));
  // Distinct seeds: distinct bytes, so every file is its own object and its own workflow.
  const bodies = Array.from({ length: count + 1 }, (_, i) => recordsBuffer(settings.fileBytes, 10_000 + i));
  const recordsPerFile = bodies[1]?.toString('utf8').split('\n').filter(Boolean).length ?? 0;

  const worker = await startWorkerChild(taskQueue, path.join(ctx.tmpDir, `worker-${label}.log`));
  const ingest = await ingestClientOn(ctx, taskQueue);
  try {
    const warmUp = await arrive(ctx, ingest, tenant, 0, bodies[0] as Buffer);
    const warmUpSummary = (await Promise.race([warmUp.handle.result(), worker.crashed])) as IngestSummary;
    ctx.say(`arrivals: ${count} files of ${recordsPerFile} records, ${settings.rate}/s for ${settings.seconds} s`);

    const interval = 1000 / settings.rate;
    const cpu = cpuMeterFor(ctx, worker.pid);
    cpu.begin();
    const t0 = Date.now();
    const pending: Promise<Arrival>[] = [];
    for (let i = 1; i <= count; i++) {
      await sleep(t0 + (i - 1) * interval - Date.now());
      pending.push(arrive(ctx, ingest, tenant, i, bodies[i] as Buffer));
    }
    const arrivals = await Promise.race([Promise.all(pending), worker.crashed]);
    const lastArrival = Math.max(...arrivals.map((a) => a.arrivedAt));
    // Small files finish in seconds; one still running long after is stuck (e.g. waiting for a decision).
    const results = await Promise.race([
      Promise.all(arrivals.map((a) => a.handle.result() as Promise<IngestSummary>)),
      worker.crashed,
      deadline(DRAIN_LIMIT_MS, `arrived files still running ${DRAIN_LIMIT_MS / 1000} s after the last arrival`),
    ]);
    const cpuUsage = cpu.end();
    const memory = await worker.stop();

    const delays: number[] = [];
    let historyEvents = 0;
    for (const a of arrivals) {
      const d = await a.handle.describe();
      delays.push((d.closeTime?.getTime() ?? Number.NaN) - a.arrivedAt);
      historyEvents += d.historyLength;
    }
    const complete = (r: IngestSummary) =>
      r.status === 'Completed' && SINK_NAMES.every((s) => r.written[s] === r.parsed);
    const failed = results.filter((r) => !complete(r)).length;
    const uploads = arrivals.map((a) => a.uploadMs).sort((a, b) => a - b);
    return {
      ...settings,
      files: count,
      failed,
      achievedRate: count > 1 ? (count - 1) / ((lastArrival - (arrivals[0]?.arrivedAt ?? 0)) / 1000) : settings.rate,
      recordsPerFile,
      delayMs: summarize(delays),
      uploadMsP50: percentile(uploads, 50),
      historyEventsPerFile: historyEvents / count,
      cpu: cpuUsage,
      worker: { idleRssBytes: worker.idleRssBytes, ...memory },
      fileIds: [warmUpSummary, ...results].map((r) => r.fileId),
    };
  } finally {
    await worker.stop();
    await ingest.close();
  }
}
