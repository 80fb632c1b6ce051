import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { encodeRetryState } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { fileIdOf } from '../../src/activities/layout';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { FileRef, IngestOptions, IngestStatus, SinkChunkInput } from '../../src/contracts/ingest';
import { approveUpdate, dropUpdate, INGEST_WORKFLOW, statusQuery } from '../../src/contracts/messages';
import { AwaitingDecisionSince, FailedStage, PipelineStatus } from '../../src/contracts/search-attributes';
import { generateEvents } from '../../src/demo/generate';
import { createLogger } from '../../src/shared/log';
import { createWorker, type SluiceWorker } from '../../src/worker/worker';
import type { ingestFile } from '../../src/workflows/ingest-file';
import { cfg } from '../helpers/env';
import { getBytes, listKeys, opensearch, sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';
import { createTimeSkippingEnv } from '../helpers/time-skipping';

/**
 * Failure handling on Temporal's time-skipping test server, with the real activities writing to the real local
 * stack (MinIO, fakesnow, OpenSearch). Outages of hours pass in seconds: faults are injected into
 * `sink_opensearch` and judged by SERVER time, which skips. Parked work stays parked until the test decides.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Thrown instead of calling the real activity; returning lets the real activity run. */
type SinkFault = (input: SinkChunkInput) => void | Promise<void>;

/** Per file (by fileId): the fault on sink_opensearch, and every call sink_opensearch received. */
const faults = new Map<string, SinkFault>();
const opensearchCalls = new Map<string, SinkChunkInput[]>();

function injectFaults(activities: Activities): Activities {
  return {
    ...activities,
    async sink_opensearch(input) {
      const calls = opensearchCalls.get(input.fileId) ?? [];
      calls.push({ ...input });
      opensearchCalls.set(input.fileId, calls);
      await faults.get(input.fileId)?.(input);
      return activities.sink_opensearch(input);
    },
  };
}

let env: TestWorkflowEnvironment;
let worker: SluiceWorker;
let running: Promise<void>;
const taskQueue = uniq('failure-handling');

beforeAll(async () => {
  // Parked workflows warn on every reminder; keep the output to errors (installed once per process).
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
  env = await createTimeSkippingEnv();
  // The production worker (ingest queue plus one queue per sink) on the test server's connection.
  worker = await createWorker(cfg, {
    connection: env.nativeConnection,
    taskQueue,
    log: createLogger('error'),
    decorate: injectFaults,
  });
  running = worker.worker.run();
});

afterAll(async () => {
  if (worker) {
    worker.worker.shutdown();
    await running;
    await worker.close();
  }
  await env?.teardown();
});

/** Retry of the OpenSearch stage: 1 s doubling to 10 min, for `window` ms. */
const opensearchRetry = (window: number): IngestOptions => ({
  retry: { opensearch: { window, initialInterval: 1000, maximumInterval: 10 * MINUTE, backoffCoefficient: 2 } },
  reminderInterval: HOUR,
});

interface Uploaded {
  tenant: string;
  ref: FileRef;
  fileId: string;
  lines: string[];
}

async function uploadZeek(prefix: string, count: number, seed: number): Promise<Uploaded> {
  const tenant = uniq(prefix);
  const lines = [...generateEvents('zeek', count, seed)];
  const ref = await upload(await writeLines(path.join(await tempDir(), 'conn.ndjson'), lines), tenant, 'zeek');
  return { tenant, ref, fileId: fileIdOf(ref), lines };
}

function start(ref: FileRef, options: IngestOptions): Promise<WorkflowHandle<typeof ingestFile>> {
  return env.client.workflow.start<typeof ingestFile>(INGEST_WORKFLOW, {
    taskQueue,
    workflowId: workflowIdFor(ref),
    args: [{ file: ref, options }],
  });
}

/** Skips server time in steps until something awaits a decision; returns the progress then. */
async function untilParked(handle: WorkflowHandle, maxServerMs = 12 * HOUR): Promise<IngestStatus> {
  const step = 10 * MINUTE;
  for (let skipped = 0; skipped <= maxServerMs; skipped += step) {
    const progress = await handle.query(statusQuery);
    if (progress.awaiting.length > 0) return progress;
    await env.sleep(step);
  }
  throw new Error(`nothing awaited a decision within ${maxServerMs / HOUR} h of server time`);
}

/** An OpenSearch outage that lasts while `down()` says so. */
function outage(down: () => boolean | Promise<boolean>): SinkFault {
  return async () => {
    if (await down()) throw new Error('simulated OpenSearch outage');
  };
}

async function auditRecords(tenant: string, fileId: string): Promise<{ key: string; body: Record<string, unknown> }[]> {
  const keys = (await listKeys(cfg.s3.quarantineBucket, `audit/${tenant}/${fileId}/`)).sort();
  return Promise.all(
    keys.map(async (key) => ({
      key,
      body: JSON.parse((await getBytes(cfg.s3.quarantineBucket, key)).toString('utf8')) as Record<string, unknown>,
    })),
  );
}

/** The last failed activity of a workflow as history tells it: its retry state and the failure's type. */
async function lastActivityFailure(handle: WorkflowHandle) {
  const { events } = await handle.fetchHistory();
  const failed = (events ?? []).filter(
    (e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes,
  );
  const last = failed[failed.length - 1];
  const a = last?.activityTaskFailedEventAttributes ?? last?.activityTaskTimedOutEventAttributes;
  return {
    event: last?.activityTaskFailedEventAttributes ? 'ActivityTaskFailed' : 'ActivityTaskTimedOut',
    retryState: a?.retryState,
    failure: a?.failure?.message,
    failureType: a?.failure?.applicationFailureInfo?.type ?? (a?.failure?.timeoutFailureInfo ? 'timeout' : undefined),
  };
}

/** Documents of a tenant in OpenSearch matching a query on the envelope. */
async function openSearchCount(tenant: string, query: Record<string, unknown>): Promise<number> {
  const index = `${cfg.opensearch.indexPrefix}-${tenant}-*`;
  await opensearch.indices.refresh({ index, allow_no_indices: true });
  const res = await opensearch.count({ index, allow_no_indices: true, body: { query } });
  return res.body.count;
}

const allIn = (n: number) => ({ s3: n, s3Distinct: n, opensearch: n, snowflake: { rows: n, distinct: n } });

describe('failure handling (time-skipping server, real sinks)', () => {
  it('an OpenSearch outage of 5 hours inside an 8-hour window heals by itself: no person, every row once', async () => {
    const f = await uploadZeek('outage5h', 600, 11);
    const attemptsAt: number[] = [];
    let firstMs: number | undefined;
    faults.set(
      f.fileId,
      outage(async () => {
        const now = await env.currentTimeMs();
        firstMs ??= now;
        attemptsAt.push(now);
        return now - firstMs < 5 * HOUR;
      }),
    );
    const serverBefore = await env.currentTimeMs();
    const wallBefore = Date.now();
    const handle = await start(f.ref, { ...opensearchRetry(8 * HOUR), chunkTargetBytes: 64 * 1024 });
    const summary = await handle.result();
    const serverMs = (await env.currentTimeMs()) - serverBefore;
    process.stderr.write(
      `[failure-handling] 5h outage: wall ${Date.now() - wallBefore} ms, server +${(serverMs / HOUR).toFixed(2)} h, ${attemptsAt.length} OpenSearch attempts over ${summary.chunksTotal} chunks\n`,
    );

    expect(summary.status).toBe('Completed');
    expect(summary.chunksTotal).toBeGreaterThanOrEqual(2);
    expect(summary.decisions).toEqual([]);
    expect(summary.awaiting).toEqual([]);
    expect(summary.dropped).toEqual([]);
    expect(summary.reminders).toBe(0);
    expect(summary.written).toEqual({ s3: 600, snowflake: 600, opensearch: 600 });
    expect(serverMs).toBeGreaterThanOrEqual(5 * HOUR);
    // Workflow time (server time in the workflow): healed after the outage, well inside the window. (The server
    // clock itself may run on past the end: once the result is in, the test server skips to leftover timers.)
    expect(summary.durationMs).toBeGreaterThanOrEqual(5 * HOUR);
    expect(summary.durationMs).toBeLessThan(8 * HOUR);
    // The outage really lasted 5 h of server time: the last (successful) attempts came after it.
    expect(Math.max(...attemptsAt) - (firstMs ?? 0)).toBeGreaterThanOrEqual(5 * HOUR);
    expect(await sinkCounts(f.tenant)).toEqual(allIn(600));
    expect(await auditRecords(f.tenant, f.fileId)).toEqual([]);
    const sa = (await handle.describe()).typedSearchAttributes;
    expect(sa.get(PipelineStatus)).toBe('Completed');
  });

  it('a sink failing past its window parks, reminds, and never completes or fails on its own', async () => {
    const f = await uploadZeek('parked', 300, 12);
    faults.set(
      f.fileId,
      outage(() => true),
    );
    const handle = await start(f.ref, { ...opensearchRetry(HOUR), chunkTargetBytes: 4 * 1024 * 1024 });
    try {
      const parked = await untilParked(handle);
      expect(parked.status).toBe('AwaitingDecision');
      expect(parked.awaiting).toHaveLength(1);
      expect(parked.awaiting[0]).toMatchObject({ id: 1, stage: 'opensearch', chunks: [0], records: 300 });
      // How Temporal reports a window that ran out between attempts (the usual case: each attempt fails fast):
      // the last attempt's own failure, with retry state TIMEOUT, not a schedule-to-close TimeoutFailure.
      expect(await lastActivityFailure(handle)).toEqual({
        event: 'ActivityTaskFailed',
        retryState: encodeRetryState('TIMEOUT'),
        failure: 'simulated OpenSearch outage',
        failureType: 'Error',
      });
      expect(parked.awaiting[0]?.errorType).toBe('RetryWindowExhausted');
      expect(parked.awaiting[0]?.error).toMatch(/^still failing after the 60 min retry window/);
      expect(parked.awaiting[0]?.error).toMatch(/simulated OpenSearch outage/);
      // The other sinks of the chunk are not held back by the parked one.
      expect(parked.written).toEqual({ s3: 300, snowflake: 300, opensearch: 0 });

      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(PipelineStatus)).toBe('AwaitingDecision');
      expect(sa.get(FailedStage)).toBe('opensearch');
      expect(sa.get(AwaitingDecisionSince)).toBeInstanceOf(Date);
      expect(sa.get(AwaitingDecisionSince)?.toISOString()).toBe(parked.awaiting[0]?.since);

      await env.sleep(2 * HOUR);
      const reminded = await handle.query(statusQuery);
      expect(reminded.reminders).toBeGreaterThanOrEqual(1);
      expect(reminded.lastReminderAt).toBeDefined();

      await env.sleep(48 * HOUR);
      const d = await handle.describe();
      expect(d.status.name).toBe('RUNNING');
      const later = await handle.query(statusQuery);
      expect(later.status).toBe('AwaitingDecision');
      expect(later.awaiting).toEqual(parked.awaiting);
      expect(later.decisions).toEqual([]);
      expect(later.dropped).toEqual([]);
      expect(later.reminders).toBeGreaterThanOrEqual(49);
      expect(d.typedSearchAttributes.get(PipelineStatus)).toBe('AwaitingDecision');
      // Nothing was dropped or half-written while it waited.
      expect(await sinkCounts(f.tenant)).toEqual({ ...allIn(300), opensearch: 0 });
      expect(await auditRecords(f.tenant, f.fileId)).toEqual([]);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });

  it('approve after the sink recovers completes the file with every row exactly once and an audit record', async () => {
    const f = await uploadZeek('approve', 800, 13);
    let down = true;
    faults.set(
      f.fileId,
      outage(() => down),
    );
    const handle = await start(f.ref, {
      ...opensearchRetry(HOUR),
      chunkTargetBytes: 64 * 1024,
      maxChunksInFlight: 4,
    });
    const parked = await untilParked(handle);
    // The OpenSearch writes of the chunks in flight (a window of 4) all park; wait until every one has. Parked
    // work keeps its place in the window, so later chunks wait for the decision.
    const inFlight = 4;
    let progress = parked;
    for (let i = 0; i < 20 && progress.awaiting.length < Math.min(progress.chunksTotal, inFlight); i++) {
      await env.sleep(10 * MINUTE);
      progress = await handle.query(statusQuery);
    }
    const { chunksTotal } = progress;
    const parkedChunks = Math.min(chunksTotal, inFlight);
    expect(chunksTotal).toBeGreaterThanOrEqual(2);
    expect(progress.awaiting.map((a) => a.stage)).toEqual(Array(parkedChunks).fill('opensearch'));
    expect(progress.awaiting.map((a) => a.chunks[0]).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: parkedChunks }, (_, i) => i),
    );
    const parkedRecords = progress.awaiting.reduce((n, a) => n + a.records, 0);
    const before = await sinkCounts(f.tenant);
    expect(before.opensearch).toBe(0);
    expect(before.s3).toBe(before.s3Distinct);
    expect(before.s3).toBeGreaterThanOrEqual(parkedRecords);

    // A bad approve is refused before anything is recorded.
    await expect(
      handle.executeUpdate(approveUpdate, { args: [{ by: 'ops', retry: { window: -1 } }] }),
    ).rejects.toMatchObject({ cause: { message: 'approve: retry.window must be a positive number (milliseconds)' } });
    expect((await handle.query(statusQuery)).decisions).toEqual([]);

    down = false;
    const result = await handle.executeUpdate(approveUpdate, { args: [{ by: 'ops', retry: { window: HOUR } }] });
    expect([...result.decided].sort((a, b) => a - b)).toEqual(Array.from({ length: parkedChunks }, (_, i) => i + 1));

    const summary = await handle.result();
    expect(summary.status).toBe('Completed');
    expect(summary.awaiting).toEqual([]);
    expect(summary.dropped).toEqual([]);
    expect(summary.decisions).toHaveLength(parkedChunks);
    for (const d of summary.decisions) expect(d).toMatchObject({ kind: 'approve', by: 'ops', stage: 'opensearch' });
    expect(summary.written).toEqual({ s3: 800, snowflake: 800, opensearch: 800 });
    expect(await sinkCounts(f.tenant)).toEqual(allIn(800));

    const sa = (await handle.describe()).typedSearchAttributes;
    expect(sa.get(PipelineStatus)).toBe('Completed');
    expect(sa.get(FailedStage)).toBeUndefined();
    expect(sa.get(AwaitingDecisionSince)).toBeUndefined();

    const audit = await auditRecords(f.tenant, f.fileId);
    expect(audit).toHaveLength(parkedChunks);
    for (const { key, body } of audit) {
      expect(key).toMatch(/-approve-\d+\.json$/);
      expect(body).toMatchObject({
        kind: 'approve',
        who: 'ops',
        why: null,
        what: { tenant: f.tenant, file_id: f.fileId, stage: 'opensearch', kept_at: [] },
      });
      expect(String((body.what as { error: string }).error)).toMatch(/simulated OpenSearch outage/);
    }
  });

  it('drop records who, when, why and what, keeps the dropped chunk in quarantine, and lets the rest land', async () => {
    const f = await uploadZeek('drop', 800, 14);
    // Only chunk 0 cannot reach OpenSearch; the other chunks land everywhere.
    faults.set(f.fileId, async (input) => {
      if (input.chunk === 0) throw new Error('simulated OpenSearch outage');
    });
    const handle = await start(f.ref, { ...opensearchRetry(HOUR), chunkTargetBytes: 64 * 1024 });
    const parked = await untilParked(handle);
    expect(parked.chunksTotal).toBeGreaterThanOrEqual(2);
    expect(parked.awaiting).toHaveLength(1);
    const [awaiting] = parked.awaiting;
    expect(awaiting).toMatchObject({ id: 1, stage: 'opensearch', chunks: [0] });
    expect(awaiting?.errorType).toBe('RetryWindowExhausted');
    const chunkRecords = awaiting?.records ?? 0;
    expect(chunkRecords).toBeGreaterThan(0);
    expect(chunkRecords).toBeLessThan(800);

    await expect(handle.executeUpdate(dropUpdate, { args: [{ reason: '', by: 'x' }] })).rejects.toMatchObject({
      cause: { message: 'drop needs a non-empty "reason"' },
    });
    expect((await handle.query(statusQuery)).decisions).toEqual([]);

    const reason = 'OpenSearch cluster retired for this tenant';
    const result = await handle.executeUpdate(dropUpdate, { args: [{ reason, by: 'alice', stage: 'opensearch' }] });
    expect(result).toEqual({ decided: [1] });

    const summary = await handle.result();
    expect(summary.status).toBe('Completed');
    expect(summary.dropped).toEqual([{ stage: 'opensearch', chunks: [0] }]);
    expect(summary.awaiting).toEqual([]);
    expect(summary.decisions).toEqual([
      expect.objectContaining({ kind: 'drop', awaitingId: 1, stage: 'opensearch', chunks: [0], by: 'alice', reason }),
    ]);
    expect(summary.written).toEqual({ s3: 800, snowflake: 800, opensearch: 800 - chunkRecords });

    // The audit record: who, when, why, what.
    const audit = await auditRecords(f.tenant, f.fileId);
    expect(audit).toHaveLength(1);
    const droppedKey = `records/${f.tenant}/${f.fileId}/dropped/chunk-000000.ndjson`;
    expect(audit[0]?.key).toMatch(/-drop-1\.json$/);
    expect(audit[0]?.body).toMatchObject({
      kind: 'drop',
      who: 'alice',
      when: summary.decisions[0]?.at,
      why: reason,
      what: {
        source: `s3://${f.ref.bucket}/${f.ref.key}`,
        etag: f.ref.etag,
        tenant: f.tenant,
        log_type: 'zeek',
        file_id: f.fileId,
        stage: 'opensearch',
        chunks: [0],
        records: chunkRecords,
        kept_at: [`s3://${cfg.s3.quarantineBucket}/${droppedKey}`],
      },
    });
    expect(String((audit[0]?.body.what as { error?: string } | undefined)?.error)).toMatch(
      /simulated OpenSearch outage/,
    );

    // The dropped chunk's lines, verbatim, in quarantine: the file's first `chunkRecords` lines.
    const dropped = (await getBytes(cfg.s3.quarantineBucket, droppedKey)).toString('utf8');
    const droppedLines = dropped.split('\n').filter((l) => l.length > 0);
    expect(droppedLines).toHaveLength(chunkRecords);
    expect(droppedLines).toEqual(f.lines.slice(0, chunkRecords));

    // OpenSearch holds none of chunk 0's rows; S3 and Snowflake hold every row.
    expect(await openSearchCount(f.tenant, { term: { 'source.chunk': 0 } })).toBe(0);
    expect(await openSearchCount(f.tenant, { range: { 'source.line': { lte: chunkRecords } } })).toBe(0);
    expect(await sinkCounts(f.tenant)).toEqual({ ...allIn(800), opensearch: 800 - chunkRecords });
  });

  it('one poison record in a 10,000-record chunk is bisected out within 14 levels; the other 9,999 land', async () => {
    const f = await uploadZeek('poison', 10_000, 15);
    const poisonLine = 6_173;
    faults.set(f.fileId, (input) => {
      if (input.firstLine <= poisonLine && poisonLine <= input.lastLine) {
        throw ApplicationFailure.nonRetryable('document rejected: poison', 'DocumentRejected');
      }
    });
    const handle = await start(f.ref, { ...opensearchRetry(HOUR), chunkTargetBytes: 64 * 1024 * 1024 });
    const summary = await handle.result();

    expect(summary.status).toBe('Completed');
    expect(summary.chunksTotal).toBe(1);
    expect(summary.awaiting).toEqual([]);
    expect(summary.decisions).toEqual([]);
    expect(summary.rejected).toEqual({ s3: 0, snowflake: 0, opensearch: 1 });
    expect(summary.written).toEqual({ s3: 10_000, snowflake: 10_000, opensearch: 9_999 });

    const calls = (opensearchCalls.get(f.fileId) ?? []).filter((c) => c.chunk === 0);
    process.stderr.write(`[failure-handling] poison: ${calls.length} sink_opensearch calls\n`);
    expect(calls[0]).toMatchObject({ firstLine: 1, lastLine: 10_000 });
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * 14);
    // Each rejected range is split in two: the poison's ranges shrink to the line itself.
    const poisoned = calls.filter((c) => c.firstLine <= poisonLine && poisonLine <= c.lastLine);
    expect(poisoned.length).toBeLessThanOrEqual(15);
    expect(poisoned[poisoned.length - 1]).toMatchObject({ firstLine: poisonLine, lastLine: poisonLine });
    // Every attempt is a first attempt: a rejection is not retried.
    expect(calls.length).toBe(2 * poisoned.length - 1);

    const counts = await sinkCounts(f.tenant);
    expect(counts).toEqual({ ...allIn(10_000), opensearch: 9_999 });
    expect(await openSearchCount(f.tenant, { term: { 'source.line': poisonLine } })).toBe(0);

    const key = `records/${f.tenant}/${f.fileId}/rejected-opensearch-chunk-000000.ndjson`;
    const entries = (await getBytes(cfg.s3.quarantineBucket, key))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      tenant: f.tenant,
      file_id: f.fileId,
      stage: 'sink:opensearch',
      chunk: 0,
      line: poisonLine,
      reason: 'document rejected: poison',
      envelope: { source: { line: poisonLine, chunk: 0 }, event: JSON.parse(f.lines[poisonLine - 1] ?? '{}') },
    });
  });
});
