import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../src/demo/generate';
import {
  countInOpenSearch,
  ingestAndWait,
  sinkCounts,
  tempDir,
  uniq,
  upload,
  useWorker,
  writeLines,
} from '../helpers/ingest';

const w = useWorker();

describe('ingestFile end to end on the real stack', () => {
  it('a gzip NDJSON file of 100,000 records in ≥10 chunks lands exactly once in S3, Snowflake and OpenSearch', async () => {
    const tenant = uniq('e2e');
    const dir = await tempDir();
    const file = await writeLines(path.join(dir, 'zeek-conn.ndjson.gz'), generateEvents('zeek', 100_000, 7), true);
    const ref = await upload(file, tenant, 'zeek');
    const summary = await ingestAndWait(w.client, ref, { chunkTargetBytes: 2 * 1024 * 1024 });

    expect(summary.status).toBe('Completed');
    expect(summary.chunksTotal).toBeGreaterThanOrEqual(10);
    expect(summary.chunksDone).toBe(summary.chunksTotal);
    expect(summary.records).toBe(100_000);
    expect(summary.parsed).toBe(100_000);
    expect(summary.quarantined).toBe(0);
    expect(summary.written).toEqual({ s3: 100_000, snowflake: 100_000, opensearch: 100_000 });

    const counts = await sinkCounts(tenant);
    expect(counts.s3).toBe(100_000);
    expect(counts.s3Distinct).toBe(100_000);
    expect(counts.opensearch).toBe(100_000);
    expect(counts.snowflake).toEqual({ rows: 100_000, distinct: 100_000 });
  });

  it('workflow history holds no record data: payloads stay small whatever the file size', async () => {
    const tenant = uniq('history');
    const dir = await tempDir();
    // A marker that appears in every record; it must never appear in history.
    const marker = 'MARKER-9f1c2e';
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ ts: 1700000000 + i, note: marker, 'id.orig_h': '10.0.0.1' }),
    );
    const ref = await upload(await writeLines(path.join(dir, 'marked.ndjson'), lines), tenant, 'zeek');
    const handle = await w.client.start(ref, { chunkTargetBytes: 64 * 1024 });
    const summary = await handle.result();
    expect(summary.parsed).toBe(20_000);
    const history = await handle.fetchHistory();
    const text = JSON.stringify(history);
    expect(text).not.toContain(marker);
    // Each chunk costs a fixed handful of small events (keys, counts, retry policy), whatever its records:
    // no single event carries more than a few KiB, and the total grows per chunk, not per record.
    expect(summary.chunksTotal).toBeGreaterThanOrEqual(10);
    const largestEvent = Math.max(...(history.events ?? []).map((e) => JSON.stringify(e).length));
    expect(largestEvent).toBeLessThan(16_000);
    expect(text.length / summary.chunksTotal).toBeLessThan(16_000);
    expect(await countInOpenSearch(tenant)).toBe(20_000);
  });
});
