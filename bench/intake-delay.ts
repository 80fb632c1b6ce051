import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { workflowIdFor } from '../src/client/workflow-id';
import type { SluiceConfig } from '../src/config/load';
import type { FileRef } from '../src/contracts/ingest';
import { startIntake } from '../src/intake/intake';
import { parseRoutes } from '../src/intake/routes';
import { ensureScanSchedule } from '../src/intake/scan-schedule';
import { createSqs, ensureIntakeQueues } from '../src/intake/sqs';
import { createLogger } from '../src/shared/log';
import { type BenchContext, taskQueueFor, tenantFor } from './bench-context';
import { percentile, sleep } from './units';
import { startWorkerChild } from './worker-child';

export interface IntakeDelaySettings {
  files: number;
  /** Uploads per second. */
  rate: number;
  /** The bench scan schedule's interval, ms. */
  scanIntervalMs: number;
}

export interface DelayFigures {
  files: number;
  /** Files whose workflow did not start within the time limit. */
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

export interface IntakeDelayResult extends IntakeDelaySettings {
  /** Upload done → ingest workflow started (server time), through MinIO's webhook, SQS and the intake. */
  event?: DelayFigures & { skipped?: string };
  /** Upload done → ingest workflow started by the reconciliation scan (a Temporal Schedule). */
  scan: DelayFigures;
}

const LIMIT_MS = 180_000;

function figures(delays: number[], files: number): DelayFigures {
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    files,
    missing: files - sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/**
 * Upload → workflow started, for both ways a file starts itself. The event path's ingests are started on a task
 * queue nobody polls and terminated afterwards: the figure is the start path's alone, not the pipeline's (the
 * arrival part measures that). The scan's ingests run on its worker. The event path needs the intake's webhook port free (no other `sluice intake` on it).
 */
export async function runIntakeDelay(ctx: BenchContext, settings: IntakeDelaySettings): Promise<IntakeDelayResult> {
  const tenant = tenantFor(ctx, 'intake');
  const parked = taskQueueFor(ctx, 'intake-parked');
  const benchQueue = taskQueueFor(ctx, 'intake');
  const quiet = `sluice-bench-${ctx.runId}-quiet`;
  const prefix = `bench-intake-${ctx.runId}/`;
  const log = createLogger('error');
  const cfg: SluiceConfig = {
    ...ctx.cfg,
    temporal: { ...ctx.cfg.temporal, taskQueue: parked },
    intake: {
      ...ctx.cfg.intake,
      queue: `sluice-bench-${ctx.runId}`,
      deadLetterQueue: `sluice-bench-${ctx.runId}-dlq`,
      routes: `${ctx.cfg.s3.landingBucket}/${prefix}=${tenant}:json;${quiet}/in/=${tenant}:json`,
      scanInterval: settings.scanIntervalMs,
    },
  };
  const temporal = new Client({ connection: await Connection.connect({ address: cfg.temporal.address }) });
  const sqs = createSqs(cfg.sqs);
  await ensureIntakeQueues(sqs, cfg);
  await ctx.s3.send(new CreateBucketCommand({ Bucket: quiet }));
  // Scans run on a `sluice worker` of their own queue (the ingests they start run there too, and are tidied).
  const worker = await startWorkerChild(benchQueue, path.join(ctx.tmpDir, 'worker-intake.log'));
  const started: string[] = [];
  const body = (i: number) => `${JSON.stringify({ i, bench: ctx.runId })}\n`;

  async function uploadAll(bucket: string, keyOf: (i: number) => string): Promise<{ file: FileRef; at: number }[]> {
    const out: Promise<{ file: FileRef; at: number }>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < settings.files; i++) {
      await sleep(t0 + (i * 1000) / settings.rate - Date.now());
      out.push(
        (async () => {
          const key = keyOf(i);
          const put = await ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body(i) }));
          const etag = (put.ETag ?? '').replace(/"/g, '');
          return { file: { bucket, key, etag, tenant, logType: 'json' }, at: Date.now() };
        })(),
      );
    }
    return Promise.all(out);
  }

  async function delaysOf(uploads: { file: FileRef; at: number }[]): Promise<number[]> {
    const deadline = Date.now() + LIMIT_MS;
    const delays: number[] = [];
    for (const u of uploads) {
      const id = workflowIdFor(u.file);
      for (;;) {
        const d = await temporal.workflow
          .getHandle(id)
          .describe()
          .catch(() => undefined);
        if (d) {
          started.push(id);
          delays.push(d.startTime.getTime() - u.at);
          break;
        }
        if (Date.now() > deadline) break;
        await sleep(100);
      }
    }
    return delays;
  }

  try {
    let event: IntakeDelayResult['event'];
    try {
      const intake = await startIntake(cfg, { log, schedule: false });
      try {
        ctx.say(`intake (event path): ${settings.files} uploads at ${settings.rate}/s`);
        const uploads = await uploadAll(
          ctx.cfg.s3.landingBucket,
          (i) => `${prefix}e-${String(i).padStart(5, '0')}.json`,
        );
        event = figures(await delaysOf(uploads), settings.files);
      } finally {
        await intake.stop();
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      const skipped = `port ${cfg.intake.httpPort} is taken (another sluice intake?)`;
      ctx.say(`intake (event path) skipped: ${skipped}`);
      event = { ...figures([], 0), skipped };
    }

    ctx.say(
      `intake (scan path): ${settings.files} uploads at ${settings.rate}/s, scan every ${settings.scanIntervalMs / 1000} s`,
    );
    const scheduleId = `sluice-bench-${ctx.runId}-scan`;
    await ensureScanSchedule(
      temporal,
      { ...cfg, temporal: { ...cfg.temporal, taskQueue: benchQueue } },
      parseRoutes(`${quiet}/in/=${tenant}:json`),
      log,
      scheduleId,
    );
    try {
      const uploads = await uploadAll(quiet, (i) => `in/s-${String(i).padStart(5, '0')}.json`);
      const scan = figures(await delaysOf(uploads), settings.files);
      return { ...settings, event, scan };
    } finally {
      await temporal.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
    }
  } finally {
    for (const id of started)
      await temporal.workflow
        .getHandle(id)
        .terminate('bench: start path measured')
        .catch(() => undefined);
    await worker.stop();
    sqs.destroy();
    await temporal.connection.close();
  }
}
