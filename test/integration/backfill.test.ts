import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { ScanProgress } from '../../src/contracts/scan';
import { chaosEnv, sleep, WorkerProcess } from '../helpers/chaos';
import { runSluice } from '../helpers/cli';
import { cfg as baseCfg } from '../helpers/env';
import { s3, sinkCounts, uniq } from '../helpers/ingest';
import { runsOf } from '../helpers/intake';

/**
 * `sluice backfill` as an operator runs it, against `sluice worker` as its own process, which is killed with
 * SIGKILL mid-backfill and started again. Sizes are CI-sized; SLUICE_TEST_BACKFILL_FILES / _RATE raise them.
 */
const FILES = Number(process.env.SLUICE_TEST_BACKFILL_FILES ?? 30);
const RATE = Number(process.env.SLUICE_TEST_BACKFILL_RATE ?? 8);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('backfill', () => {
  it(`${FILES} objects at ${RATE}/s: the rate holds, a kill -9 of the worker is survived, each object ingested once`, async () => {
    const taskQueue = uniq('backfill');
    const env = chaosEnv(taskQueue);
    const worker = new WorkerProcess(taskQueue, env);
    cleanups.push(() => worker.close());
    const temporal = new Client({ connection: await Connection.connect({ address: baseCfg.temporal.address }) });
    cleanups.push(() => temporal.connection.close());

    const bucket = uniq('bf').toLowerCase();
    const tenant = uniq('bf');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const etags: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const body = `${JSON.stringify({ i, a: 1 })}\n${JSON.stringify({ i, a: 2 })}\n`;
      const put = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `logs/2026/11/${String(i).padStart(5, '0')}.json`, Body: body }),
      );
      etags.push((put.ETag ?? '').replace(/"/g, ''));
    }
    // One object outside the prefix: listed by nobody.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/x.json', Body: '{}\n' }));

    await worker.start();
    const cli = runSluice(
      ['backfill', `s3://${bucket}/logs/`, '--tenant', tenant, '--log-type', 'json', '--rate', `${RATE}/s`, '--json'],
      env,
      600_000,
    );
    const workflowId = `backfill/${tenant}/${bucket}/logs/`;
    // Kill the worker once a few objects have been started, while the backfill's page is mid-way.
    let killedAt: ScanProgress | undefined;
    for (let i = 0; i < 600 && !killedAt; i++) {
      await sleep(100);
      const p = await temporal.workflow
        .getHandle(workflowId)
        .query<ScanProgress>('scanProgress')
        .catch(() => undefined);
      if (p && p.started >= Math.min(5, FILES / 4)) {
        await worker.kill9();
        killedAt = p;
      }
    }
    expect(killedAt).toBeDefined();
    const status = await runSluice(['status', workflowId], env);
    expect(status.out).toMatch(/listed \d+, matching \d+, started \d+, already done \d+/);
    await sleep(2_000);
    await worker.start();

    const done = await cli;
    expect(done.code).toBe(0);
    expect(done.err).toMatch(/ETA/);
    const result = JSON.parse(done.out) as ScanProgress & { workflowId: string };
    expect(result).toMatchObject({ workflowId, total: FILES, matched: FILES, done: true });
    // An object started just before the kill may be found already started by the retried page, never twice.
    expect(result.started + result.alreadyStarted).toBe(FILES);

    const ids = etags.map((etag, i) =>
      workflowIdFor({ bucket, key: `logs/2026/11/${String(i).padStart(5, '0')}.json`, etag, tenant, logType: 'json' }),
    );
    const starts: number[] = [];
    for (const id of ids) {
      const handle = temporal.workflow.getHandle(id);
      await handle.result();
      starts.push((await handle.describe()).startTime.getTime());
      expect(await runsOf(temporal, id)).toBe(1);
    }
    // Spaced by the rate: FILES starts take at least (FILES - 1) / RATE seconds (the kill only adds time).
    const spanS = (Math.max(...starts) - Math.min(...starts)) / 1000;
    process.stderr.write(
      `backfill: ${FILES} starts over ${spanS.toFixed(1)} s = ${((FILES - 1) / spanS).toFixed(2)}/s (limit ${RATE}/s)\n`,
    );
    expect(spanS).toBeGreaterThanOrEqual(((FILES - 1) / RATE) * 0.95);
    const n = 2 * FILES;
    expect(await sinkCounts(tenant)).toEqual({
      s3: n,
      s3Distinct: n,
      opensearch: n,
      snowflake: { rows: n, distinct: n },
    });
  });
});
