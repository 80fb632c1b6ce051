import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { tableName } from '../../src/activities/sinks/snowflake/sink';
import { connectIngestClient, type IngestClient } from '../../src/client/ingest-client';
import { resolveSource } from '../../src/client/sources';
import type { SluiceConfig } from '../../src/config/load';
import type { FileRef, IngestOptions, IngestSummary } from '../../src/contracts/ingest';
import { decodeObject } from '../../src/quarantine/format';
import { createOpenSearch, createS3, getObjectBytes, listKeys as listKeysOf } from '../../src/shared/clients';
import { createLogger } from '../../src/shared/log';
import { createWorker, type WorkerOptions } from '../../src/worker/worker';
import { cfg as baseCfg, snowflakeQueryViaPython, uniq } from './env';

export interface TestWorkerOptions extends WorkerOptions {
  /** Settings of this worker that differ from the environment's (sink limits, chunks per run…). */
  settings?: Partial<Pick<SluiceConfig, 'sinks' | 'worker' | 'pipeline' | 'tenants'>>;
}

/** A worker on its own task queues, so concurrent test files never steal each other's tasks. */
export async function startWorker(options: TestWorkerOptions = {}) {
  const taskQueue = options.taskQueue ?? uniq('test-ingest');
  const cfg: SluiceConfig = { ...baseCfg, ...options.settings, temporal: { ...baseCfg.temporal, taskQueue } };
  const sw = await createWorker(cfg, { log: createLogger('error'), ...options, taskQueue });
  const running = sw.worker.run();
  const client = await connectIngestClient(cfg);
  return {
    cfg,
    taskQueue,
    client,
    async stop() {
      await client.close();
      sw.worker.shutdown();
      await running;
      await sw.close();
    },
  };
}

export type TestWorker = Awaited<ReturnType<typeof startWorker>>;

/**
 * A worker for the calling test file: started before its tests, stopped after them. The returned object is
 * filled in by beforeAll, so tests use it as they would the started worker.
 */
export function useWorker(options: TestWorkerOptions = {}): TestWorker {
  const worker = {} as TestWorker;
  beforeAll(async () => {
    Object.assign(worker, await startWorker(options));
  });
  afterAll(async () => {
    await worker.stop?.();
  });
  return worker;
}

export const s3 = createS3(baseCfg.s3);
export const opensearch = createOpenSearch(baseCfg.opensearch);

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sluice-test-'));
}

export async function writeLines(file: string, lines: Iterable<string | Buffer>, gzip = false): Promise<string> {
  const out = createWriteStream(file);
  const sink = gzip ? createGzip() : out;
  if (gzip) sink.pipe(out);
  for (const line of lines) {
    if (!sink.write(line)) await once(sink, 'drain');
    if (!sink.write('\n')) await once(sink, 'drain');
  }
  sink.end();
  await finished(out);
  return file;
}

export async function upload(file: string, tenant: string, logType: string): Promise<FileRef> {
  return resolveSource(file, { s3, cfg: baseCfg, tenant, logType, upload: true });
}

export async function ingestAndWait(
  client: IngestClient,
  file: FileRef,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const handle = await client.start(file, options);
  return (await handle.result()) as IngestSummary;
}

/** Keys under a prefix in one of the stack's buckets. */
export const listKeys = (bucket: string, prefix: string) => listKeysOf(s3, bucket, prefix);

export const getBytes = (bucket: string, key: string) => getObjectBytes(s3, bucket, key);

/** Row ids of a tenant in each sink, read straight from the destinations. */
export async function rowIdsInS3(tenant: string): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await listKeys(baseCfg.s3.processedBucket, `tenant=${tenant}/`)) {
    const text = gunzipSync(await getBytes(baseCfg.s3.processedBucket, key)).toString('utf8');
    for (const line of text.split('\n')) if (line) ids.push((JSON.parse(line) as { row_id: string }).row_id);
  }
  return ids;
}

export async function countInOpenSearch(tenant: string): Promise<number> {
  const index = `${baseCfg.opensearch.indexPrefix}-${tenant}-*`;
  await opensearch.indices.refresh({ index, allow_no_indices: true });
  const res = await opensearch.count({ index, allow_no_indices: true });
  return res.body.count;
}

export function countsInSnowflake(tenant: string): { rows: number; distinct: number } {
  const table = tableName(baseCfg.snowflake);
  const [row] = snowflakeQueryViaPython(
    `SELECT COUNT(*) AS N, COUNT(DISTINCT ROW_ID) AS D FROM ${table} WHERE TENANT = '${tenant.replace(/'/g, "''")}'`,
  );
  return { rows: Number(row?.N ?? 0), distinct: Number(row?.D ?? 0) };
}

export async function sinkCounts(tenant: string) {
  const s3Ids = await rowIdsInS3(tenant);
  return {
    s3: s3Ids.length,
    s3Distinct: new Set(s3Ids).size,
    opensearch: await countInOpenSearch(tenant),
    snowflake: countsInSnowflake(tenant),
  };
}

export async function quarantineEntries(tenant: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const key of (await listKeys(baseCfg.s3.quarantineBucket, `records/${tenant}/`)).sort()) {
    const object = decodeObject(key, (await getBytes(baseCfg.s3.quarantineBucket, key)).toString('utf8'));
    if (object.kind === 'records' || object.kind === 'rejected')
      out.push(...(object.entries as unknown as Record<string, unknown>[]));
  }
  return out;
}

export { uniq };
