import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { InvalidIngestError } from '../../src/client/ingest-client';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { AwaitingDecision, IngestInput, IngestSummary } from '../../src/contracts/ingest';
import { INGEST_WORKFLOW, statusQuery } from '../../src/contracts/messages';
import {
  AwaitingDecisionSince,
  FailedStage,
  PipelineStatus,
  QuarantinedRecords,
} from '../../src/contracts/search-attributes';
import { runSluice } from '../helpers/cli';
import { cfg } from '../helpers/env';
import {
  countInOpenSearch,
  listKeys,
  opensearch,
  rowIdsInS3,
  s3,
  sinkCounts,
  startWorker,
  tempDir,
  uniq,
  upload,
  useWorker,
  writeLines,
} from '../helpers/ingest';

const w = useWorker();

async function parked(handle: WorkflowHandle): Promise<AwaitingDecision> {
  for (let i = 0; i < 600; i++) {
    const p = await handle.query(statusQuery);
    if (p.awaiting.length) return p.awaiting[0] as AwaitingDecision;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the workflow never parked');
}

const sluice = (args: string[]) => runSluice(args, { SLUICE_TASK_QUEUE: w.taskQueue });

/** Starts the workflow directly, as the stock CLI, the Web UI or the SDK would: no client-side checks. */
function startRaw(input: IngestInput, workflowId = uniq('raw')) {
  return w.client.client.workflow.start(INGEST_WORKFLOW, { taskQueue: w.taskQueue, workflowId, args: [input] });
}

describe('input validated at the workflow boundary', () => {
  it('a workflow started with a tenant holding a slash fails fast, non-retryable, naming the problem; the client refuses it too', async () => {
    const dir = await tempDir();
    const ref = await upload(await writeLines(path.join(dir, 'a.ndjson'), ['{"a":1}']), uniq('val'), 'json');
    const bad = { ...ref, tenant: 'a/b' };
    const handle = await startRaw({ file: bad, options: { maxChunksInFlight: 0 } });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as Error & { type?: string; nonRetryable?: boolean };
    expect(cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(cause.message).toBe(
      'invalid ingest input: tenant "a/b": use 1-63 lowercase letters, digits, - and _ (it names S3 prefixes, indices and workflow ids); options.maxChunksInFlight must be a number from 1 to 256, got 0',
    );
    await expect(w.client.start(bad)).rejects.toBeInstanceOf(InvalidIngestError);
    // Nothing was written for either tenant.
    expect(await rowIdsInS3('a')).toEqual([]);
  });
});

describe('tenant sources', () => {
  it("a worker refuses a file outside its tenant's sources, even when the workflow was started around the client", async () => {
    const tenant = uniq('src');
    const dir = await tempDir();
    const ref = await upload(await writeLines(path.join(dir, 'a.ndjson'), ['{"a":1}']), tenant, 'json');
    const only = `${tenant}=s3://${cfg.s3.landingBucket}/elsewhere/`;
    const strict = await startWorker({ settings: { tenants: { sources: only } } });
    try {
      await expect(strict.client.start(ref)).rejects.toThrow(
        `tenant ${tenant} may not ingest s3://${ref.bucket}/${ref.key}: its sources are s3://${cfg.s3.landingBucket}/elsewhere/ (SLUICE_TENANT_SOURCES)`,
      );
      const handle = await strict.client.client.workflow.start(INGEST_WORKFLOW, {
        taskQueue: strict.taskQueue,
        workflowId: uniq('raw-src'),
        args: [{ file: ref }],
      });
      const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(err.cause).toMatchObject({ type: 'SourceNotAllowed', nonRetryable: true });
      expect(await rowIdsInS3(tenant)).toEqual([]);
      expect(await countInOpenSearch(tenant)).toBe(0);
    } finally {
      await strict.stop();
    }
  });
});

describe('quarantine-heavy files are visible', () => {
  it('a file mostly quarantined ends MostlyQuarantined with a summary, a QuarantinedRecords search attribute, and `sluice ingest --wait` exits 1', async () => {
    const tenant = uniq('heavy');
    const dir = await tempDir();
    const lines = ['{"ts":1764064800,"ok":1}', '{"ts":1764064800,"ok":2}'];
    for (let i = 0; i < 8; i++) lines.push(`not json ${i}`);
    const file = await writeLines(path.join(dir, 'heavy.ndjson'), lines);
    const r = await sluice(['ingest', file, '--tenant', tenant, '--log-type', 'zeek', '--wait', '--json']);
    expect(r.code).toBe(1);
    const [status] = JSON.parse(r.out) as { workflowId: string; progress: IngestSummary }[];
    expect(status?.progress).toMatchObject({ status: 'MostlyQuarantined', records: 10, parsed: 2, quarantined: 8 });
    expect(status?.progress.summary).toBe(
      '80 % of the records were quarantined, over the alert ratio of 50 % (SLUICE_QUARANTINE_ALERT_RATIO); 10 record(s): 2 parsed, 8 quarantined',
    );
    const d = await w.client.client.workflow.getHandle(status?.workflowId as string).describe();
    expect(d.typedSearchAttributes.get(PipelineStatus)).toBe('MostlyQuarantined');
    expect(d.typedSearchAttributes.get(QuarantinedRecords)).toBe(8);
    expect(await sinkCounts(tenant)).toMatchObject({ s3: 2, opensearch: 2 });
  });
});

describe('bounded fan-out', () => {
  it('a file whose event times span 1990-2100 creates a handful of indices and partitions; every record lands with its own event_time', async () => {
    const tenant = uniq('century');
    const dir = await tempDir();
    const n = 3000;
    const from = Date.UTC(1990, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ ts: (from + ((to - from) * i) / n) / 1000, uid: `C${i}` }),
    );
    const ref = await upload(await writeLines(path.join(dir, 'century.ndjson'), lines), tenant, 'zeek');
    const summary = (await (await w.client.start(ref)).result()) as IngestSummary;
    expect(summary).toMatchObject({ status: 'Completed', records: n, parsed: n });
    expect(summary.outOfRange).toBeGreaterThan(n - 100);
    expect(await sinkCounts(tenant)).toEqual({
      s3: n,
      s3Distinct: n,
      opensearch: n,
      snowflake: { rows: n, distinct: n },
    });
    const indices = Object.keys(
      (await opensearch.indices.get({ index: `${w.cfg.opensearch.indexPrefix}-${tenant}-*` })).body,
    );
    // The window is 7 days back and 1 day ahead of the file's time: at most 9 daily indices, whatever the file.
    expect(indices.length).toBeGreaterThanOrEqual(1);
    expect(indices.length).toBeLessThanOrEqual(9);
    const dates = new Set(
      (await listKeys(w.cfg.s3.processedBucket, `tenant=${tenant}/`)).map((k) => /date=([^/]+)/.exec(k)?.[1]),
    );
    expect(dates.size).toBeGreaterThanOrEqual(1);
    expect(dates.size).toBeLessThanOrEqual(9);
    await opensearch.indices.refresh({ index: `${w.cfg.opensearch.indexPrefix}-${tenant}-*` });
    const hit = await opensearch.search({
      index: `${w.cfg.opensearch.indexPrefix}-${tenant}-*`,
      body: { query: { term: { 'event.uid': 'C0' } } },
    });
    const doc = hit.body.hits.hits[0]?._source as { event_time: string; event_time_out_of_range?: boolean };
    expect(doc).toMatchObject({ event_time: '1990-01-01T00:00:00.000Z', event_time_out_of_range: true });
  });
});

describe('decompression limits, and closed workflows are not stuck', () => {
  it('a gzip past the decompressed-size limit waits for a decision naming the setting; terminated, it leaves `sluice stuck`', async () => {
    const tenant = uniq('bomb');
    const dir = await tempDir();
    const file = path.join(dir, 'bomb.ndjson.gz');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, gzipSync(Buffer.from('{"a":1}\n'.repeat(512 * 1024))));
    const ref = await upload(file, tenant, 'json');
    const handle = await w.client.start(ref, { maxDecompressedBytes: 1024 * 1024 });
    const awaiting = await parked(handle);
    expect(awaiting).toMatchObject({ stage: 'split', errorType: 'DecompressionLimit' });
    expect(awaiting.error).toMatch(
      /more than 1\.0 MiB after decompression, over the limit SLUICE_MAX_DECOMPRESSED_BYTES \(1048576 bytes\)/,
    );
    // Nothing deleted: the source is where it was.
    await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));

    const listed = async () => {
      for (let i = 0; i < 50; i++) {
        const r = await sluice(['stuck', '--tenant', tenant, '--json']);
        const ids = (JSON.parse(r.out) as { workflowId: string }[]).map((x) => x.workflowId);
        if (ids.length || i === 49) return ids;
        await new Promise((r) => setTimeout(r, 200));
      }
      return [];
    };
    expect(await listed()).toEqual([workflowIdFor(ref)]);
    await handle.terminate('test: closed workflows are not stuck');
    // Terminated: its search attributes still say AwaitingDecision, but the query only lists running ones.
    for (let i = 0; i < 50; i++) {
      const r = await sluice(['stuck', '--tenant', tenant, '--json']);
      if ((JSON.parse(r.out) as unknown[]).length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(JSON.parse((await sluice(['stuck', '--tenant', tenant, '--json'])).out)).toEqual([]);
  });

  it('a cancelled workflow clears its waiting status', async () => {
    const tenant = uniq('cancel');
    const dir = await tempDir();
    const file = path.join(dir, 'bomb.ndjson.gz');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, gzipSync(Buffer.from('{"a":1}\n'.repeat(512 * 1024))));
    const ref = await upload(file, tenant, 'json');
    const handle = await w.client.start(ref, { maxDecompressedBytes: 1024 * 1024 });
    await parked(handle);
    await handle.cancel();
    await handle.result().catch(() => undefined);
    const d = await handle.describe();
    expect(d.status.name).toBe('CANCELLED');
    expect(d.typedSearchAttributes.get(PipelineStatus)).toBe('Cancelled');
    expect(d.typedSearchAttributes.get(AwaitingDecisionSince)).toBeUndefined();
    expect(d.typedSearchAttributes.get(FailedStage)).toBeUndefined();
  });
});
