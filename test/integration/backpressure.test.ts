import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import { sinkTaskQueue } from '../../src/contracts/sinks';
import { generateEvents } from '../../src/demo/generate';
import { cfg } from '../helpers/env';
import {
  opensearch,
  quarantineEntries,
  sinkCounts,
  tempDir,
  uniq,
  upload,
  useWorker,
  writeLines,
} from '../helpers/ingest';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

const millis = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** Per activity of one type: when its (last) attempt started and when it completed, from the history. */
function executions(events: HistoryEvent[], type: string): { start: number; end: number; queue: string }[] {
  const scheduled = new Map<string, { queue: string }>();
  const started = new Map<string, number>();
  const out: { start: number; end: number; queue: string }[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === type) scheduled.set(id, { queue: s.taskQueue?.name ?? '' });
    const st = e.activityTaskStartedEventAttributes;
    if (st && scheduled.has(String(st.scheduledEventId))) started.set(String(st.scheduledEventId), millis(e));
    const c = e.activityTaskCompletedEventAttributes;
    if (c && scheduled.has(String(c.scheduledEventId))) {
      const key = String(c.scheduledEventId);
      out.push({ start: started.get(key) ?? 0, end: millis(e), queue: scheduled.get(key)?.queue ?? '' });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

describe('backpressure toward the sinks', () => {
  const limited = useWorker({
    settings: {
      sinks: {
        s3: cfg.sinks.s3,
        snowflake: cfg.sinks.snowflake,
        opensearch: { concurrency: 1, ratePerSecond: 2 },
      },
    },
  });

  it("a sink's own queue holds its concurrency and fleet-wide rate while the other stages run at their pace", async () => {
    const tenant = uniq('bp');
    const dir = await tempDir();
    const file = await writeLines(path.join(dir, 'conn.ndjson'), generateEvents('zeek', 3000, 5));
    const ref = await upload(file, tenant, 'zeek');
    const handle = await limited.client.start(ref, { chunkTargetBytes: 64 * 1024, maxChunksInFlight: 8 });
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.chunksTotal).toBeGreaterThanOrEqual(10);
    expect(summary.written).toEqual({ s3: 3000, snowflake: 3000, opensearch: 3000 });

    const events = (await handle.fetchHistory()).events ?? [];
    const writes = executions(events, 'sink_opensearch');
    expect(writes).toHaveLength(summary.chunksTotal);
    expect(new Set(writes.map((x) => x.queue))).toEqual(new Set([sinkTaskQueue(limited.taskQueue, 'opensearch')]));
    // Concurrency 1: no two OpenSearch writes overlap.
    for (let i = 1; i < writes.length; i++)
      expect(writes[i]?.start ?? 0).toBeGreaterThanOrEqual(writes[i - 1]?.end ?? 0);
    // 2 per second across the fleet: n starts take at least (n - 1) / 2 s (less a little for clock rounding).
    const span = (writes.at(-1)?.start ?? 0) - (writes[0]?.start ?? 0);
    expect(span).toBeGreaterThanOrEqual(((writes.length - 1) / 2) * 1000 - 600);
    // Processing is not held back by the slow sink: several chunks were processed at once.
    const processed = executions(events, 'processChunk');
    const overlapping = processed.some((p, i) => i > 0 && p.start < (processed[i - 1]?.end ?? 0));
    expect(overlapping).toBe(true);
    expect(new Set(processed.map((x) => x.queue))).toEqual(new Set([limited.taskQueue]));
  });

  it('OpenSearch pushing back (HTTP 429 from its breaker) shows as a waiting stage, then drains by itself: nothing fails, nothing quarantined, every row once', async () => {
    const tenant = uniq('bp429');
    const dir = await tempDir();
    const file = await writeLines(path.join(dir, 'conn.ndjson'), generateEvents('zeek', 2000, 9));
    const ref = await upload(file, tenant, 'zeek');
    const breaker = (limit: string | null) =>
      opensearch.cluster.putSettings({ body: { transient: { 'network.breaker.inflight_requests.limit': limit } } });
    await breaker('2kb');
    let summary: IngestSummary;
    try {
      const handle = await limited.client.start(ref, {
        chunkTargetBytes: 128 * 1024,
        retry: { opensearch: { initialInterval: 1000, maximumInterval: 5000 } },
      });
      // The sink paces itself for up to 30 s per attempt, then the attempt fails as Throttled and Temporal backs
      // off: from then on `status` names the stage, since when, and the provider's own words.
      let waiting: Awaited<ReturnType<typeof limited.client.describe>>['waiting'] = [];
      for (let i = 0; i < 90 && !waiting.some((x) => x.stage === 'opensearch'); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        waiting = (await limited.client.describe(handle.workflowId)).waiting;
      }
      const os = waiting.find((x) => x.stage === 'opensearch');
      expect(os?.attempt).toBeGreaterThanOrEqual(2);
      expect(os?.lastError).toContain('circuit_breaking_exception');
      expect(Date.parse(os?.since ?? '')).toBeLessThan(Date.now() - 20_000);
      const status = await limited.client.describe(handle.workflowId);
      expect(status.progress?.awaiting).toEqual([]);
      await breaker(null);
      summary = (await handle.result()) as IngestSummary;
    } finally {
      await breaker(null);
    }
    expect(summary.status).toBe('Completed');
    expect(summary.written).toEqual({ s3: 2000, snowflake: 2000, opensearch: 2000 });
    expect(summary.rejected).toEqual({ s3: 0, snowflake: 0, opensearch: 0 });
    expect(summary.decisions).toEqual([]);
    expect(await quarantineEntries(tenant)).toEqual([]);
    const counts = await sinkCounts(tenant);
    expect(counts.opensearch).toBe(2000);
    expect(counts.snowflake).toEqual({ rows: 2000, distinct: 2000 });
  });
});
