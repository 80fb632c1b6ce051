import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { AwaitingDecision, IngestSummary } from '../../src/contracts/ingest';
import { dropUpdate, INGEST_WORKFLOW, statusQuery } from '../../src/contracts/messages';
import {
  getBytes,
  ingestAndWait,
  listKeys,
  quarantineEntries,
  sinkCounts,
  tempDir,
  uniq,
  upload,
  useWorker,
  writeLines,
} from '../helpers/ingest';

const w = useWorker();

const valid = (i: number) => JSON.stringify({ ts: 1700000000 + i, 'id.orig_h': `10.0.0.${i % 250}`, uid: `C${i}` });

/** Waits until the workflow parks work for a person and returns what it shows. */
async function parked(handle: WorkflowHandle): Promise<AwaitingDecision> {
  for (let i = 0; i < 300; i++) {
    const p = await handle.query(statusQuery);
    if (p.awaiting.length) return p.awaiting[0] as AwaitingDecision;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the workflow never parked');
}

describe('bad input: quarantined or a clear error, nothing valid lost', () => {
  it('malformed JSON, invalid UTF-8, non-objects and an over-long record are quarantined with line and reason; all valid records land', async () => {
    const tenant = uniq('bad');
    const dir = await tempDir();
    const lines: (string | Buffer)[] = [];
    for (let i = 1; i <= 500; i++) lines.push(valid(i));
    lines[9] = '{"ts": 1700000010, "broken": ';
    lines[19] = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    lines[29] = '[1,2,3]';
    lines[39] = JSON.stringify({ ts: 1700000040, blob: 'x'.repeat(5000) });
    lines[49] = '';
    const ref = await upload(await writeLines(path.join(dir, 'mixed.ndjson'), lines), tenant, 'zeek');
    const summary = await ingestAndWait(w.client, ref, { maxRecordBytes: 4096, chunkTargetBytes: 16 * 1024 });

    expect(summary.records).toBe(499);
    expect(summary.quarantined).toBe(4);
    expect(summary.parsed).toBe(495);
    expect(await sinkCounts(tenant)).toEqual({
      s3: 495,
      s3Distinct: 495,
      opensearch: 495,
      snowflake: { rows: 495, distinct: 495 },
    });

    const entries = await quarantineEntries(tenant);
    const byLine = Object.fromEntries(entries.map((e) => [e.line, e]));
    expect(
      Object.keys(byLine)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([10, 20, 30, 40]);
    expect(byLine[10]?.reason).toMatch(/^invalid JSON: /);
    expect(byLine[10]?.record).toBe('{"ts": 1700000010, "broken": ');
    expect(byLine[20]?.reason).toBe('invalid UTF-8');
    expect(Buffer.from(byLine[20]?.record_base64 as string, 'base64')).toEqual(lines[19]);
    expect(byLine[30]?.reason).toBe('expected a JSON object, got array');
    expect(byLine[40]?.reason).toBe(
      `record of ${Buffer.byteLength(lines[39] as string)} bytes is over the limit of 4096 bytes (SLUICE_MAX_RECORD_BYTES)`,
    );
    expect(byLine[40]?.stage).toBe('split');
    expect(byLine[40]?.record).toBe(lines[39]);
    for (const e of entries) {
      expect(e.source).toBe(`s3://${ref.bucket}/${ref.key}`);
      expect(e.etag).toBe(ref.etag);
    }
  });

  it('an empty file completes with zero records', async () => {
    const tenant = uniq('empty');
    const dir = await tempDir();
    const file = path.join(dir, 'empty.ndjson');
    writeFileSync(file, '');
    const summary = await ingestAndWait(w.client, await upload(file, tenant, 'json'));
    expect(summary).toMatchObject({
      status: 'Completed',
      records: 0,
      chunksTotal: 0,
      parsed: 0,
      written: { s3: 0, snowflake: 0, opensearch: 0 },
    });
  });

  it('a .gz that is not gzip is read as plain text, with a warning', async () => {
    const tenant = uniq('notgz');
    const dir = await tempDir();
    const ref = await upload(await writeLines(path.join(dir, 'plain.ndjson.gz'), [valid(1), valid(2)]), tenant, 'zeek');
    const summary = await ingestAndWait(w.client, ref);
    expect(summary.parsed).toBe(2);
    expect(summary.gzip).toBe(false);
    expect(summary.warnings).toEqual([
      `${ref.key} is named .gz but is not gzip-compressed (no gzip magic bytes); read as plain text`,
    ]);
  });

  it('a truncated gzip waits for a decision with a clear error; drop records who, why and when, and writes nothing', async () => {
    const tenant = uniq('trunc');
    const dir = await tempDir();
    const whole = gzipSync(Array.from({ length: 5_000 }, (_, i) => valid(i)).join('\n'));
    const file = path.join(dir, 'cut.ndjson.gz');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const ref = await upload(file, tenant, 'zeek');
    const handle = await w.client.start(ref);
    const awaiting = await parked(handle);
    expect(awaiting).toMatchObject({ stage: 'split', chunks: [], errorType: 'TruncatedInput' });
    expect(awaiting.error).toMatch(
      /^s3:\/\/sluice-landing\/uploads\/.*cut\.ndjson\.gz: truncated gzip \(unexpected end of file\) after \d+ uncompressed bytes; nothing of this file was ingested$/,
    );
    // A drop without a reason is refused by the update's validator, and the file keeps waiting.
    await expect(handle.executeUpdate(dropUpdate, { args: [{ reason: ' ', by: 'alice' }] })).rejects.toMatchObject({
      cause: { message: 'drop needs a non-empty "reason"' },
    });
    expect((await handle.query(statusQuery)).awaiting).toHaveLength(1);
    expect(
      await handle.executeUpdate(dropUpdate, { args: [{ reason: 'upload was cut; sender re-sends', by: 'alice' }] }),
    ).toEqual({
      decided: [awaiting.id],
    });
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.status).toBe('Dropped');
    expect(summary.dropped).toEqual([{ stage: 'split', chunks: [] }]);
    expect(await sinkCounts(tenant)).toEqual({
      s3: 0,
      s3Distinct: 0,
      opensearch: 0,
      snowflake: { rows: 0, distinct: 0 },
    });
    const audits = await listKeys(w.cfg.s3.quarantineBucket, `audit/${tenant}/`);
    expect(audits).toHaveLength(1);
    const audit = JSON.parse((await getBytes(w.cfg.s3.quarantineBucket, audits[0] as string)).toString('utf8'));
    expect(audit).toMatchObject({
      kind: 'drop',
      who: 'alice',
      why: 'upload was cut; sender re-sends',
      what: {
        source: `s3://${ref.bucket}/${ref.key}`,
        etag: ref.etag,
        stage: 'split',
        kept_at: [`s3://${ref.bucket}/${ref.key}`],
      },
    });
    expect(Date.parse(audit.when)).toBeGreaterThan(0);
  });

  it('a missing object waits for a decision saying it does not exist', async () => {
    const file = {
      bucket: w.cfg.s3.landingBucket,
      key: `missing/${uniq('nothing')}.ndjson`,
      etag: 'abc',
      tenant: uniq('missing'),
      logType: 'json',
    };
    const handle = await w.client.client.workflow.start(INGEST_WORKFLOW, {
      taskQueue: w.taskQueue,
      workflowId: workflowIdFor(file),
      args: [{ file }],
    });
    expect(await parked(handle)).toMatchObject({
      stage: 'split',
      errorType: 'SourceMissing',
      error: `s3://${file.bucket}/${file.key} does not exist`,
    });
    await handle.executeUpdate(dropUpdate, { args: [{ reason: 'never arrived', by: 'test' }] });
    expect(((await handle.result()) as IngestSummary).status).toBe('Dropped');
  });
});
