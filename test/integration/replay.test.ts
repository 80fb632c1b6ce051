import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSluice } from '../helpers/cli';
import {
  ingestAndWait,
  quarantineEntries,
  sinkCounts,
  tempDir,
  uniq,
  upload,
  useWorker,
  writeLines,
} from '../helpers/ingest';

const w = useWorker();

const sluice = (args: string[]) => runSluice(args, { SLUICE_TASK_QUEUE: w.taskQueue }, 200_000);

const valid = (i: number) => JSON.stringify({ ts: 1700000000 + i, 'id.orig_h': `10.1.0.${i % 200}`, uid: `R${i}` });
/** Over 48 KiB but made of small values, so it is only its size that is wrong. */
const wide = (i: number) =>
  JSON.stringify({
    ts: 1700000000 + i,
    ...Object.fromEntries(Array.from({ length: 3000 }, (_, k) => [`f${k}`, `v${i}-${k}-abcdefgh`])),
  });

describe('poison isolation on the real OpenSearch, and replay after a fix', () => {
  it('a record OpenSearch rejects is bisected out and quarantined for OpenSearch only; replay lands the records a raised limit accepts', async () => {
    const tenant = uniq('replay');
    const lines = Array.from({ length: 304 }, (_, i) => valid(i + 1));
    // One value over Lucene's 32766-byte term limit: OpenSearch rejects this document, and only it.
    lines[49] = JSON.stringify({ ts: 1700000050, 'id.orig_h': '10.9.9.9', note: 'y'.repeat(40_000) });
    lines[99] = wide(100);
    lines[199] = wide(200);
    lines[249] = '{"ts": 1700000250, "cut":';
    const dir = await tempDir();
    const ref = await upload(await writeLines(path.join(dir, 'mixed.ndjson'), lines), tenant, 'zeek');
    const summary = await ingestAndWait(w.client, ref, { maxRecordBytes: 48 * 1024 });
    expect(summary).toMatchObject({
      status: 'Completed',
      records: 304,
      parsed: 301,
      quarantined: 3,
      rejected: { opensearch: 1, s3: 0, snowflake: 0 },
    });
    expect(summary.written).toEqual({ s3: 301, snowflake: 301, opensearch: 300 });
    expect(await sinkCounts(tenant)).toEqual({
      s3: 301,
      s3Distinct: 301,
      opensearch: 300,
      snowflake: { rows: 301, distinct: 301 },
    });
    const rejected = (await quarantineEntries(tenant)).filter((e) => e.stage === 'sink:opensearch');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ line: 50, chunk: 0 });
    expect(rejected[0]?.reason).toMatch(/immense term/);

    const replay = await sluice([
      'replay',
      `ingest/${tenant}/${ref.bucket}/${ref.key}@${ref.etag}`,
      '--max-record-bytes',
      '128KiB',
      '--wait',
    ]);
    expect(replay.err).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(
      /^replaying 3 quarantined record\(s\) as ingest\/replay-[0-9a-f]+\/sluice-landing\/replays\//,
    );
    // The two wide records land now; the cut one still does not parse; OpenSearch still rejects line 50.
    expect(replay.out).toMatch(/records +3 read, 2 parsed, 1 quarantined/);
    expect(replay.out).toMatch(/landed 0, still rejected 1/);
    expect(await sinkCounts(tenant)).toEqual({
      s3: 303,
      s3Distinct: 303,
      opensearch: 302,
      snowflake: { rows: 303, distinct: 303 },
    });

    const again = await sluice(['replay', `ingest/${tenant}/${ref.bucket}/${ref.key}@${ref.etag}`]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^sluice replay: these records were replayed before: /);
  });
});
