import { gunzipSync } from 'node:zlib';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Sink } from '../../src/activities/sinks/s3/sink';
import { SystemicSinkError } from '../../src/activities/sinks/sink';
import { createS3 } from '../../src/shared/clients';
import { type Envelope, getParser, normalize } from '../../src/transforms';
import { cfg, type TestBatch, uniq } from '../helpers/env';

const s3 = createS3(cfg.s3);
const bucket = cfg.s3.processedBucket;
const sink = createS3Sink({ s3, bucket });
const tenants: string[] = [];

// 5 s apart from 03:00:05.678: lines 1–719 fall in hour 03, lines 720–1000 in hour 04 of 2024-01-02.
const BASE = Date.UTC(2024, 0, 2, 3, 0, 0, 678);

function batch(tenant: string, fileId: string, firstLine: number, lastLine: number, chunk = 0): TestBatch {
  const envelopes: Envelope[] = [];
  for (let line = firstLine; line <= lastLine; line++) {
    const record = {
      ts: new Date(BASE + line * 5000).toISOString(),
      uid: `C${line}`,
      'id.orig_h': `10.${line % 2 ? 3 : 2}.${line >> 8}.${line & 255}`,
      'id.resp_h': '203.0.113.7',
    };
    const source = { bucket: cfg.s3.landingBucket, key: `${tenant}/conn.log`, etag: 'e1', chunk, line };
    const time = new Date(BASE);
    const parser = getParser('zeek');
    envelopes.push(normalize({ record, parser, tenant, fileId, source, fileTime: time, ingestTime: time }));
  }
  return { fileId, chunk, firstLine, lastLine, envelopes };
}

async function listKeys(tenant: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `tenant=${tenant}/`, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** Every envelope stored for the tenant, read back by gunzipping each object. */
async function readAll(tenant: string): Promise<Envelope[]> {
  const rows: Envelope[] = [];
  for (const Key of await listKeys(tenant)) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    const text = gunzipSync(await (got.Body?.transformToByteArray() as Promise<Uint8Array>)).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    rows.push(
      ...text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Envelope),
    );
  }
  return rows;
}

function newTenant(): string {
  const t = uniq('sinks3');
  tenants.push(t);
  return t;
}

afterAll(async () => {
  for (const t of tenants) {
    const keys = await listKeys(t);
    if (keys.length) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
    }
  }
  s3.destroy();
});

describe('S3 sink (MinIO)', () => {
  it('writes 1,000 envelopes as gzip NDJSON, one object per tenant/log type/date/hour partition', async () => {
    const tenant = newTenant();
    const fileId = uniq('file');
    await sink.prepare();
    const b = batch(tenant, fileId, 1, 1000);
    expect(await sink.write(b)).toEqual({ written: 1000 });
    const part = `tenant=${tenant}/log_type=zeek/date=2024-01-02`;
    expect(await listKeys(tenant)).toEqual([
      `${part}/hour=03/${fileId}-l1-1000.ndjson.gz`,
      `${part}/hour=04/${fileId}-l1-1000.ndjson.gz`,
    ]);
    const rows = await readAll(tenant);
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.row_id)).size).toBe(1000);
    const byLine = new Map(rows.map((r) => [r.source.line, r]));
    expect(byLine.get(719)?.event_time).toBe('2024-01-02T03:59:55.678Z');
    expect(byLine.get(720)?.event_time).toBe('2024-01-02T04:00:00.678Z');
    expect(byLine.get(42)).toEqual(b.envelopes[41]);
  });

  it('is idempotent: the same batch twice, then the same lines in another chunking, leave each row once', async () => {
    const tenant = newTenant();
    const fileId = uniq('file');
    await sink.write(batch(tenant, fileId, 1, 1000));
    await sink.write(batch(tenant, fileId, 1, 1000));
    expect(await readAll(tenant)).toHaveLength(1000);

    expect(await sink.write(batch(tenant, fileId, 1, 400, 0))).toEqual({ written: 400 });
    expect(await sink.write(batch(tenant, fileId, 401, 1000, 1))).toEqual({ written: 600 });
    const part = `tenant=${tenant}/log_type=zeek/date=2024-01-02`;
    // The old 1–1000 objects are gone from both hours; lines 1–400 all fall in hour 03.
    expect(await listKeys(tenant)).toEqual([
      `${part}/hour=03/${fileId}-l1-400.ndjson.gz`,
      `${part}/hour=03/${fileId}-l401-1000.ndjson.gz`,
      `${part}/hour=04/${fileId}-l401-1000.ndjson.gz`,
    ]);
    const rows = await readAll(tenant);
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.row_id)).size).toBe(1000);
    expect(rows.map((r) => r.source.line).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('leaves objects of other files and of non-overlapping ranges alone', async () => {
    const tenant = newTenant();
    const [fileA, fileB] = [uniq('file'), uniq('file')];
    await sink.write(batch(tenant, fileA, 1, 100));
    await sink.write(batch(tenant, fileA, 101, 200));
    await sink.write(batch(tenant, fileB, 1, 200));
    await sink.write(batch(tenant, fileA, 101, 150));
    const names = (await listKeys(tenant)).map((k) => k.split('/').pop());
    expect(names.sort()).toEqual(
      [`${fileA}-l1-100.ndjson.gz`, `${fileA}-l101-150.ndjson.gz`, `${fileB}-l1-200.ndjson.gz`].sort(),
    );
  });

  it('prepare fails as a systemic refusal (retried, then parked; never bisected), naming the bucket, when the bucket does not exist', async () => {
    const missing = uniq('no-such-bucket');
    const err = await createS3Sink({ s3, bucket: missing })
      .prepare()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemicSinkError);
    expect(err).toMatchObject({ sink: 's3', type: 'SystemicRefusal', reason: 'BucketMissing' });
    expect((err as Error).message).toContain(missing);
  });
});
