import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { AlreadyIngestedError } from '../../src/client/ingest-client';
import { generateEvents } from '../../src/demo/generate';
import { ingestAndWait, sinkCounts, tempDir, uniq, upload, useWorker, writeLines } from '../helpers/ingest';

/**
 * Every chunk's process and sink activities complete their work and then "crash" once before reporting,
 * exactly what a worker dying after a write looks like: Temporal retries them, the work is done twice.
 */
function crashOnceAfterWork(activities: Activities, attempts: Map<string, number>): Activities {
  const wrap =
    <I extends { chunk: number }, O>(name: string, fn: (input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      const out = await fn(input);
      const key = `${name}:${(input as { fileId?: string }).fileId}:${input.chunk}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (n === 1) throw new Error(`simulated crash after ${name} finished its work`);
      return out;
    };
  return {
    ...activities,
    processChunk: wrap('processChunk', activities.processChunk),
    sink_s3: wrap('sink_s3', activities.sink_s3),
    sink_snowflake: wrap('sink_snowflake', activities.sink_snowflake),
    sink_opensearch: wrap('sink_opensearch', activities.sink_opensearch),
  };
}

const attempts = new Map<string, number>();
const w = useWorker({ decorate: (a) => crashOnceAfterWork(a, attempts) });

describe('idempotency', () => {
  it('process and sink activities that run twice (as a retry does) leave no duplicates; re-ingest keeps counts; a plain second ingest is refused', async () => {
    const tenant = uniq('idem');
    const dir = await tempDir();
    const ref = await upload(
      await writeLines(path.join(dir, 'eve.ndjson'), generateEvents('suricata', 3_000, 3)),
      tenant,
      'suricata',
    );

    const first = await ingestAndWait(w.client, ref, { chunkTargetBytes: 256 * 1024 });
    expect(first.chunksTotal).toBeGreaterThanOrEqual(3);
    // Every activity of every chunk really ran twice.
    expect([...attempts.entries()].filter(([k]) => k.includes(first.fileId)).every(([, n]) => n === 2)).toBe(true);
    expect([...attempts.keys()].filter((k) => k.includes(first.fileId)).length).toBe(first.chunksTotal * 4);
    expect(first.written).toEqual({ s3: 3_000, snowflake: 3_000, opensearch: 3_000 });
    expect(await sinkCounts(tenant)).toEqual({
      s3: 3_000,
      s3Distinct: 3_000,
      opensearch: 3_000,
      snowflake: { rows: 3_000, distinct: 3_000 },
    });

    await expect(w.client.start(ref)).rejects.toThrow(AlreadyIngestedError);
    await expect(w.client.start(ref)).rejects.toThrow(
      /was already ingested for tenant idem-.* pass --reingest to ingest it again/,
    );

    // Re-ingest with another chunk size: other chunk boundaries, same lines, same row ids.
    const again = await ingestAndWait(w.client, ref, { reingest: true, chunkTargetBytes: 100 * 1024 });
    expect(again.chunksTotal).not.toBe(first.chunksTotal);
    expect(again.parsed).toBe(3_000);
    expect(await sinkCounts(tenant)).toEqual({
      s3: 3_000,
      s3Distinct: 3_000,
      opensearch: 3_000,
      snowflake: { rows: 3_000, distinct: 3_000 },
    });
  });
});
