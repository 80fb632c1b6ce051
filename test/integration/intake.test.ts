import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { FileRef, IngestSummary } from '../../src/contracts/ingest';
import type { ScanInput, ScanProgress } from '../../src/contracts/scan';
import { type RunningIntake, startIntake } from '../../src/intake/intake';
import { SCAN_SCHEDULE_ID } from '../../src/intake/scan-schedule';
import { createLogger } from '../../src/shared/log';
import { EVENTBRIDGE_OBJECT_CREATED, eventBridgeEvent, S3_TEST_EVENT, s3Event } from '../fixtures/s3-notifications';
import { cfg as baseCfg, uniq } from '../helpers/env';
import { s3, sinkCounts, useWorker } from '../helpers/ingest';
import { curlPut, intakeConfig, peekAll, runsOf, sendBody, waitForWorkflow } from '../helpers/intake';

/**
 * Files that start themselves, on the real local stack: MinIO's webhook → the intake's HTTP endpoint → ElasticMQ
 * → the intake → Temporal → a worker → S3, Snowflake and OpenSearch. Each test uses its own tenant and prefix.
 */
const FILES_WHILE_DOWN = Number(process.env.SLUICE_TEST_INTAKE_FILES ?? 20);
const PAUSE_MS = Number(process.env.SLUICE_TEST_INTAKE_PAUSE_MS ?? 5_000);

const w = useWorker();
const landing = baseCfg.s3.landingBucket;
const run = uniq('in');
// One tenant per test below, so sink counts are each test's own.
const t = {
  upload: `${run}-up`,
  dup: `${run}-dup`,
  keys: `${run}-keys`,
  down: `${run}-down`,
  gone: `${run}-gone`,
  eb: `${run}-eb`,
};
// A bucket without notifications: what arrives there is found by the scan, or announced by hand.
const quiet = run.toLowerCase().replace(/[^a-z0-9-]/g, '');
const routes = [
  ...Object.entries(t).map(([k, tenant]) => `${landing}/${run}/${k}/=${tenant}:json`),
  `${landing}/${run}/auto/**/CloudTrail/=${run}-ct:auto`,
  `${quiet}/gone/=${t.gone}:json`,
].join(';');

let intake: RunningIntake;
let ctx: Awaited<ReturnType<typeof intakeConfig>>;
let temporal: Client;
const log = createLogger('error');

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: quiet }));
  ctx = await intakeConfig(w.cfg, routes);
  intake = await startIntake(ctx.cfg, { log });
  temporal = new Client({ connection: await Connection.connect({ address: baseCfg.temporal.address }) });
});

afterAll(async () => {
  await temporal?.schedule
    .getHandle(SCAN_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await intake?.stop();
  ctx?.sqs.destroy();
  await temporal?.connection.close();
});

const lines = (n: number, tag: string) =>
  `${Array.from({ length: n }, (_, i) => JSON.stringify({ ts: 1_764_000_000 + i, tag, i })).join('\n')}\n`;

const fileOf = (key: string, etag: string, tenant: string, logType = 'json'): FileRef => ({
  bucket: landing,
  key,
  etag,
  tenant,
  logType,
});

const resultOf = (f: FileRef) => temporal.workflow.getHandle(workflowIdFor(f)).result() as Promise<IngestSummary>;

describe('intake: files start themselves', () => {
  it('an upload by an independent S3 client (curl) is started through MinIO → webhook → SQS → intake and completes', async () => {
    const key = `${run}/upload/conn.ndjson`;
    const etag = curlPut(landing, key, lines(25, 'upload'));
    const file = fileOf(key, etag, t.upload);
    const ms = await waitForWorkflow(temporal, file);
    process.stderr.write(`upload → workflow started: ${ms} ms\n`);
    const summary = await resultOf(file);
    expect(summary.written).toEqual({ s3: 25, snowflake: 25, opensearch: 25 });
    expect(await sinkCounts(t.upload)).toEqual({
      s3: 25,
      s3Distinct: 25,
      opensearch: 25,
      snowflake: { rows: 25, distinct: 25 },
    });
  });

  it('the same notification twice, an EventBridge copy of it and a scan make one workflow', async () => {
    const key = `${run}/dup/one.ndjson`;
    const etag = curlPut(landing, key, lines(10, 'dup'));
    const file = fileOf(key, etag, t.dup);
    const body = s3Event([{ bucket: landing, key, etag }]);
    await sendBody(ctx.sqs, ctx.queues.queueUrl, body);
    await sendBody(ctx.sqs, ctx.queues.queueUrl, body);
    await sendBody(ctx.sqs, ctx.queues.queueUrl, eventBridgeEvent({ bucket: landing, key, etag }));
    await waitForWorkflow(temporal, file);
    expect((await resultOf(file)).written).toEqual({ s3: 10, snowflake: 10, opensearch: 10 });
    const scan = await scanNow(`${landing}/${run}/dup/=${t.dup}:json`);
    expect(scan).toMatchObject({ matched: 1, started: 0, alreadyStarted: 1, done: true });
    expect(await runsOf(temporal, workflowIdFor(file))).toBe(1);
    expect(await sinkCounts(t.dup)).toEqual({
      s3: 10,
      s3Distinct: 10,
      opensearch: 10,
      snowflake: { rows: 10, distinct: 10 },
    });
  });

  it('keys with spaces, +, unicode and deep prefixes; several records in one message; auto log type', async () => {
    const keys = [
      `${run}/keys/with space/a b.ndjson`,
      `${run}/keys/plus+sign/c++.ndjson`,
      `${run}/keys/ünïcødé/日本語 ログ.ndjson`,
      `${run}/keys/${Array.from({ length: 12 }, (_, i) => `d${i}`).join('/')}/deep.ndjson`,
    ];
    const files = keys.map((key, i) => fileOf(key, curlPut(landing, key, lines(i + 1, 'keys')), t.keys));
    // The webhook already announced each; an S3-style message carrying all four at once changes nothing.
    await sendBody(
      ctx.sqs,
      ctx.queues.queueUrl,
      s3Event(files.map((f) => ({ bucket: f.bucket, key: f.key, etag: f.etag }))),
    );
    const summaries = await Promise.all(
      files.map(async (f) => {
        await waitForWorkflow(temporal, f);
        return resultOf(f);
      }),
    );
    expect(summaries.map((s) => s.written.opensearch)).toEqual([1, 2, 3, 4]);
    expect(await sinkCounts(t.keys)).toEqual({
      s3: 10,
      s3Distinct: 10,
      opensearch: 10,
      snowflake: { rows: 10, distinct: 10 },
    });

    const ctKey = `${run}/auto/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/25/x_CloudTrail_us-east-1.json`;
    const ct = fileOf(
      ctKey,
      curlPut(landing, ctKey, `${JSON.stringify({ eventTime: '2026-11-25T10:00:00Z', eventName: 'PutObject' })}\n`),
      `${run}-ct`,
      'cloudtrail',
    );
    await waitForWorkflow(temporal, ct);
    expect((await resultOf(ct)).written.opensearch).toBe(1);
  });

  it('poison messages go to the dead-letter queue with their reason and never block the rest', async () => {
    await sendBody(ctx.sqs, ctx.queues.queueUrl, 'this is not json');
    await sendBody(ctx.sqs, ctx.queues.queueUrl, s3Event([{ bucket: 'no-such-bucket', key: 'x.json', etag: 'e1' }]));
    await sendBody(
      ctx.sqs,
      ctx.queues.queueUrl,
      s3Event([{ bucket: landing, key: `${run}/nowhere/x.json`, etag: 'e2' }]),
    );
    await sendBody(ctx.sqs, ctx.queues.queueUrl, S3_TEST_EVENT);
    // Behind the poison: a good EventBridge notification still starts its file.
    const key = `${run}/eb/after-poison.ndjson`;
    const etag = curlPut(landing, key, lines(3, 'eb'));
    const body = JSON.parse(EVENTBRIDGE_OBJECT_CREATED);
    body.detail.bucket.name = landing;
    body.detail.object = { ...body.detail.object, key, etag };
    await sendBody(ctx.sqs, ctx.queues.queueUrl, JSON.stringify(body));
    const file = fileOf(key, etag, t.eb);
    await waitForWorkflow(temporal, file);
    expect((await resultOf(file)).written.snowflake).toBe(3);

    let dead: { body: string; reason?: string }[] = [];
    for (
      let i = 0;
      i < 30 && dead.filter((d) => /this is not json|no-such-bucket|nowhere/.test(d.body)).length < 3;
      i++
    ) {
      dead = await peekAll(ctx.sqs, ctx.queues.deadLetterUrl);
    }
    const reasonFor = (needle: string) => dead.find((d) => d.body.includes(needle))?.reason;
    expect(reasonFor('this is not json')).toMatch(/^not JSON/);
    expect(reasonFor('no-such-bucket')).toBe(
      'unknown bucket no-such-bucket (no routing rule names it): s3://no-such-bucket/x.json',
    );
    expect(reasonFor(`${run}/nowhere`)).toBe(`no routing rule takes s3://${landing}/${run}/nowhere/x.json`);
    expect(intake.stats.testEvents).toBeGreaterThanOrEqual(1);
    expect(intake.stats.recentUnrouted.some((u) => u.key === `${run}/nowhere/x.json`)).toBe(true);
  });

  it('an object deleted before its ingest starts: the file waits with "does not exist", nothing is written', async () => {
    const key = 'gone/vanished.ndjson';
    const put = await s3.send(new PutObjectCommand({ Bucket: quiet, Key: key, Body: lines(5, 'gone') }));
    const etag = (put.ETag ?? '').replace(/"/g, '');
    await s3.send(new DeleteObjectCommand({ Bucket: quiet, Key: key }));
    await sendBody(ctx.sqs, ctx.queues.queueUrl, s3Event([{ bucket: quiet, key, etag }]));
    const file = { ...fileOf(key, etag, t.gone), bucket: quiet };
    await waitForWorkflow(temporal, file);
    const handle = temporal.workflow.getHandle(workflowIdFor(file));
    let text = '';
    for (let i = 0; i < 100 && !/does not exist/.test(text); i++) {
      const d = await handle.describe();
      const status =
        d.status.name === 'FAILED'
          ? await handle.result().catch((e: Error & { cause?: Error }) => e.cause?.message ?? e.message)
          : await handle.query('status').catch(() => '');
      text = JSON.stringify(status);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(text).toContain(`s3://${quiet}/${key} does not exist`);
    expect(await sinkCounts(t.gone)).toEqual({
      s3: 0,
      s3Distinct: 0,
      opensearch: 0,
      snowflake: { rows: 0, distinct: 0 },
    });
    await handle.terminate('test done').catch(() => undefined);
  });

  it(`the intake stopped while ${FILES_WHILE_DOWN} files arrive: all are ingested after it restarts, none twice`, async () => {
    await intake.stop();
    const files: FileRef[] = [];
    for (let i = 0; i < FILES_WHILE_DOWN; i++) {
      const key = `${run}/down/f-${String(i).padStart(4, '0')}.ndjson`;
      files.push(fileOf(key, curlPut(landing, key, lines(2, 'down')), t.down));
    }
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    intake = await startIntake(ctx.cfg, { log });
    for (const f of files) await waitForWorkflow(temporal, f, 300_000);
    const summaries = await Promise.all(files.map(resultOf));
    expect(summaries.reduce((n, s) => n + s.written.s3, 0)).toBe(2 * FILES_WHILE_DOWN);
    for (const f of files) expect(await runsOf(temporal, workflowIdFor(f))).toBe(1);
    const n = 2 * FILES_WHILE_DOWN;
    expect(await sinkCounts(t.down)).toEqual({
      s3: n,
      s3Distinct: n,
      opensearch: n,
      snowflake: { rows: n, distinct: n },
    });
  });

  it('the reconciliation scan starts objects no notification announced (a bucket without notifications)', async () => {
    const bucket = quiet;
    const tenant = `${run}-scan`;
    const files = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const key = `logs/2026/${i}.ndjson`;
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: lines(4, 'scan') }));
        return { bucket, key, etag: (put.ETag ?? '').replace(/"/g, ''), tenant, logType: 'json' };
      }),
    );
    const first = await scanNow(`${bucket}/logs/=${tenant}:json`);
    expect(first).toMatchObject({ listed: 3, matched: 3, started: 3, alreadyStarted: 0 });
    await Promise.all(files.map((f) => temporal.workflow.getHandle(workflowIdFor(f)).result()));
    const again = await scanNow(`${bucket}/logs/=${tenant}:json`);
    expect(again).toMatchObject({ matched: 3, started: 0, alreadyStarted: 3 });
    expect(await sinkCounts(tenant)).toEqual({
      s3: 12,
      s3Distinct: 12,
      opensearch: 12,
      snowflake: { rows: 12, distinct: 12 },
    });
  });
  it('a dated route lists only the days of its window: accounts and regions expanded, older days never listed', async () => {
    const tenant = `${run}-dated`;
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    const keys = [
      `AWSLogs/111111111111/CloudTrail/us-east-1/${day}/a_CloudTrail_x.json`,
      `AWSLogs/222222222222/CloudTrail/eu-west-1/${day}/b_CloudTrail_x.json`,
      'AWSLogs/111111111111/CloudTrail/us-east-1/2019/01/01/old_CloudTrail_x.json',
      `AWSLogs/111111111111/Config/us-east-1/${day}/not-cloudtrail.json`,
    ];
    for (const key of keys) {
      const body = `${JSON.stringify({ eventTime: new Date().toISOString(), eventName: 'GetObject', key })}\n`;
      await s3.send(new PutObjectCommand({ Bucket: quiet, Key: key, Body: body }));
    }
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const scan = await scanNow(`${quiet}/AWSLogs/*/CloudTrail/*/{yyyy}/{mm}/{dd}/=${tenant}:auto`, {
      since,
      until: new Date(Date.now() + 60_000).toISOString(),
    });
    // Listed: only today's two prefixes (the 2019 day and the Config tree are never listed).
    expect(scan).toMatchObject({ listed: 2, matched: 2, started: 2, alreadyStarted: 0, done: true });
  });

  it("keeps a Temporal Schedule that runs the scan with the intake's routes; a triggered run finds everything started", async () => {
    const schedule = temporal.schedule.getHandle(SCAN_SCHEDULE_ID);
    const before = await schedule.describe();
    expect(before.action.type).toBe('startWorkflow');
    if (before.action.type !== 'startWorkflow') return;
    expect(before.action.workflowType).toBe('scanObjects');
    const args = before.action.args as [ScanInput];
    expect(args[0].routes.map((r) => r.rule)).toEqual(intake.routes.map((r) => r.rule));
    const seen = before.info.recentActions.length;
    await schedule.trigger();
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      const d = await schedule.describe();
      runId = d.info.recentActions.length > seen ? d.info.recentActions.at(-1)?.action.workflow.workflowId : undefined;
      if (!runId) await new Promise((r) => setTimeout(r, 200));
    }
    if (!runId) throw new Error('the triggered scan did not start');
    const scan = (await temporal.workflow.getHandle(runId).result()) as ScanProgress;
    // Every object of this file's routes was already started by a notification or the scans above.
    expect(scan.matched).toBeGreaterThanOrEqual(FILES_WHILE_DOWN + 3);
    expect(scan).toMatchObject({ started: 0, alreadyStarted: scan.matched, done: true });
  });
});

/** Runs one scan of the given rule now (the Schedule runs the same workflow). */
async function scanNow(
  rule: string,
  window: ScanInput['window'] = { until: new Date().toISOString() },
): Promise<ScanProgress> {
  const [bucket, ...rest] = rule.split('/');
  const pattern = rest.join('/').replace(/=[^=]*$/, '');
  const [tenant, logType] = (rule.split('=').pop() ?? '').split(':') as [string, string];
  const input: ScanInput = {
    kind: 'scan',
    routes: [{ rule, bucket: bucket as string, pattern, listPrefix: pattern, tenant, logType }],
    window,
    pagesPerRun: 2,
  };
  return (await temporal.workflow.execute('scanObjects', {
    taskQueue: w.taskQueue,
    workflowId: uniq('scan-test'),
    args: [input],
  })) as ScanProgress;
}
