import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import { approveUpdate, dropUpdate, statusQuery } from '../../src/contracts/messages';
import { SINK_NAMES } from '../../src/contracts/sinks';
import { decodeObject } from '../../src/quarantine/format';
import { uniq } from '../helpers/env';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { eventually, recordHistories, records, startMemoryWorker } from '../helpers/workflow-env';

// ingestFile itself, on a time-skipping server, with S3 and the sinks in memory: hours of retry windows and
// reminders pass in seconds, and no MinIO, OpenSearch or Snowflake emulator is needed.
let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof startMemoryWorker>>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  w = await startMemoryWorker(env);
});

afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

const oneLineEach = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('ingestFile without servers', () => {
  it('writes every record to every sink once, a window of chunks at a time', async () => {
    const tenant = uniq('window');
    const handle = await w.start(w.file(tenant, records(200)), { chunkTargetBytes: 1024, maxChunksInFlight: 2 });
    const summary = (await handle.result()) as IngestSummary;
    await recordHistories(env, 'small-file', handle);
    expect(summary.status).toBe('Completed');
    expect(summary.chunksTotal).toBeGreaterThan(5);
    expect(summary.chunksDone).toBe(summary.chunksTotal);
    expect(summary.records).toBe(200);
    for (const sink of SINK_NAMES) {
      expect(summary.written[sink]).toBe(200);
      expect(w.sinks[sink].lines(tenant)).toEqual(oneLineEach(200));
      // The window: never more chunks written at once than maxChunksInFlight.
      expect(w.sinks[sink].maxInFlight).toBeLessThanOrEqual(2);
    }
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'Completed', stage: 'done', chunksInFlight: [], running: [] });
  });

  it('bisects a chunk a sink rejects down to the records it rejects, and quarantines only those', async () => {
    const tenant = uniq('bisect');
    w.sinks.opensearch.rejectLines.add(7).add(33);
    try {
      const handle = await w.start(w.file(tenant, records(40)));
      const summary = (await handle.result()) as IngestSummary;
      await recordHistories(env, 'bisected', handle);
      expect(summary.status).toBe('Completed');
      expect(summary.written).toEqual({ s3: 40, snowflake: 40, opensearch: 38 });
      expect(summary.rejected).toEqual({ s3: 0, snowflake: 0, opensearch: 2 });
      expect(w.sinks.opensearch.lines(tenant)).toEqual(oneLineEach(40).filter((l) => l !== 7 && l !== 33));
      const [key, ...more] = w.s3.keys(w.cfg.s3.quarantineBucket, `records/${tenant}/`);
      expect(more).toEqual([]);
      expect(key).toMatch(/rejected-opensearch-chunk-000000\.ndjson$/);
      const object = decodeObject(key as string, w.s3.text(w.cfg.s3.quarantineBucket, key as string));
      if (object.kind !== 'rejected') throw new Error(`${key} holds ${object.kind}`);
      const entries = object.entries;
      expect(entries.map((e) => [e.v, e.line, e.stage])).toEqual([
        [1, 7, 'sink:opensearch'],
        [1, 33, 'sink:opensearch'],
      ]);
      expect(entries[0]?.reason).toContain('line 7 does not fit');
      expect(entries[0]?.envelope.source.line).toBe(7);
    } finally {
      w.sinks.opensearch.rejectLines.clear();
    }
  });

  const shortWindow = { retry: { opensearch: { window: 60_000, initialInterval: 1000, maximumInterval: 5000 } } };

  it('parks work whose retry window ran out, reports it in the status query, and retries it on approve', async () => {
    const tenant = uniq('approve');
    w.sinks.opensearch.down = 'connection refused';
    const handle = await w.start(w.file(tenant, records(20)), shortWindow);
    const status = await eventually(env, async () => {
      const s = await handle.query(statusQuery);
      return s.awaiting.length ? s : undefined;
    });
    expect(status.status).toBe('AwaitingDecision');
    expect(status.awaiting).toMatchObject([{ stage: 'opensearch', chunks: [0], errorType: 'RetryWindowExhausted' }]);
    expect(status.awaiting[0]?.error).toContain('connection refused');
    expect(status.written).toMatchObject({ s3: 20, snowflake: 20, opensearch: 0 });

    w.sinks.opensearch.down = undefined;
    const { decided } = await handle.executeUpdate(approveUpdate, { args: [{ by: 'test' }] });
    expect(decided).toEqual([status.awaiting[0]?.id]);
    const summary = (await handle.result()) as IngestSummary;
    await recordHistories(env, 'parked-approved', handle);
    expect(summary.status).toBe('Completed');
    expect(summary.written.opensearch).toBe(20);
    expect(summary.decisions).toMatchObject([{ kind: 'approve', stage: 'opensearch', by: 'test' }]);
    expect(w.sinks.opensearch.lines(tenant)).toEqual(oneLineEach(20));
  });

  it('on drop, keeps the chunk in quarantine and writes who, when and why to the audit', async () => {
    const tenant = uniq('drop');
    w.sinks.opensearch.down = 'cluster red';
    try {
      const handle = await w.start(w.file(tenant, records(10)), shortWindow);
      await eventually(env, async () => ((await handle.query(statusQuery)).awaiting.length ? true : undefined));
      await handle.executeUpdate(dropUpdate, { args: [{ by: 'ops', reason: 'index retired' }] });
      const summary = (await handle.result()) as IngestSummary;
      await recordHistories(env, 'parked-dropped', handle);
      expect(summary.status).toBe('Completed');
      expect(summary.dropped).toEqual([{ stage: 'opensearch', chunks: [0] }]);
      expect(summary.written).toEqual({ s3: 10, snowflake: 10, opensearch: 0 });
      const q = w.cfg.s3.quarantineBucket;
      expect(w.s3.keys(q, `records/${tenant}/`)).toEqual([
        `records/${tenant}/${summary.fileId}/dropped/chunk-000000.ndjson`,
      ]);
      const [audit] = w.s3.keys(q, `audit/${tenant}/`);
      const decoded = decodeObject(audit as string, w.s3.text(q, audit as string));
      expect(decoded.kind).toBe('audit');
      expect(decoded.kind === 'audit' && decoded.entry).toMatchObject({
        v: 1,
        kind: 'drop',
        who: 'ops',
        why: 'index retired',
        what: { stage: 'opensearch', chunks: [0], records: 10 },
      });
    } finally {
      w.sinks.opensearch.down = undefined;
    }
  });

  it('continues as new every chunksPerRun chunks, carrying its totals', async () => {
    const tenant = uniq('can');
    const handle = await w.start(w.file(tenant, records(120)), { chunkTargetBytes: 1024, chunksPerRun: 3 });
    const summary = (await handle.result()) as IngestSummary;
    await recordHistories(env, 'multi-run', handle);
    expect(summary.status).toBe('Completed');
    expect(summary.runs).toBe(Math.ceil(summary.chunksTotal / 3));
    expect(summary.runs).toBeGreaterThan(1);
    expect(summary.chunksDone).toBe(summary.chunksTotal);
    for (const sink of SINK_NAMES) expect(w.sinks[sink].lines(tenant)).toEqual(oneLineEach(120));
    expect(summary.written).toEqual({ s3: 120, snowflake: 120, opensearch: 120 });
  });
});
