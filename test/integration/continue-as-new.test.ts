import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import { generateEvents } from '../../src/demo/generate';
import { cfg } from '../helpers/env';
import { getBytes, listKeys, sinkCounts, tempDir, uniq, upload, useWorker, writeLines } from '../helpers/ingest';

const w = useWorker();

describe('a file of many chunks keeps its workflow history bounded', () => {
  it('continues as new every 8 chunks: one workflow id, several short runs, every row once, one ingest time', async () => {
    const tenant = uniq('can');
    const dir = await tempDir();
    const file = await writeLines(path.join(dir, 'zeek-conn.ndjson'), generateEvents('zeek', 12_000, 3));
    const ref = await upload(file, tenant, 'zeek');
    const handle = await w.client.start(ref, { chunkTargetBytes: 64 * 1024, chunksPerRun: 8 });
    const summary = (await handle.result()) as IngestSummary;

    expect(summary.status).toBe('Completed');
    expect(summary.chunksTotal).toBeGreaterThanOrEqual(30);
    expect(summary.chunksDone).toBe(summary.chunksTotal);
    expect(summary.runs).toBe(Math.ceil(summary.chunksTotal / 8));
    expect(summary.written).toEqual({ s3: 12_000, snowflake: 12_000, opensearch: 12_000 });
    const counts = await sinkCounts(tenant);
    expect(counts).toEqual({
      s3: 12_000,
      s3Distinct: 12_000,
      opensearch: 12_000,
      snowflake: { rows: 12_000, distinct: 12_000 },
    });

    // Every run is short: its history holds at most its own 8 chunks, whatever the file's size.
    const runs: { runId: string; historyLength: number }[] = [];
    for await (const run of w.client.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
      runs.push({ runId: run.runId, historyLength: run.historyLength });
    expect(runs).toHaveLength(summary.runs);
    const longest = Math.max(...runs.map((r) => r.historyLength));
    expect(longest).toBeLessThan(8 * 25 + 40);
    // The chain is one file: exactly one run split it, the others carried on from where the last stopped.
    let splits = 0;
    for (const run of runs) {
      const history = await w.client.client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory();
      const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
      splits += scheduled.filter((t) => t === 'splitFile').length;
    }
    expect(splits).toBe(1);

    // Rows written by different runs are identical in what the runs decide: one ingest time for the whole file.
    const ingestTimes = new Set<string>();
    for (const key of await listKeys(cfg.s3.processedBucket, `tenant=${tenant}/`)) {
      for (const line of gunzipSync(await getBytes(cfg.s3.processedBucket, key))
        .toString('utf8')
        .split('\n'))
        if (line) ingestTimes.add((JSON.parse(line) as { ingest_time: string }).ingest_time);
    }
    expect(ingestTimes.size).toBe(1);
  });
});
