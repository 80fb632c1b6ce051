import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwaitingDecision, IngestSummary } from '../../src/contracts/ingest';
import { approveUpdate, statusQuery } from '../../src/contracts/messages';
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

/**
 * A cluster that refuses everything (the shard limit, a read-only block) is not a file of bad records: the
 * OpenSearch stage retries, then parks as SystemicRefusal, and nothing is bisected or quarantined. Once the
 * condition clears, every record lands once. Runs against the stack's real OpenSearch; cluster settings are
 * restored after.
 */
const w = useWorker();
const N = 300;

async function clusterSettings(persistent: Record<string, unknown>): Promise<void> {
  await opensearch.cluster.putSettings({ body: { persistent } });
}

afterAll(async () => {
  // The read-only block refuses every other settings change, so it is lifted first, in a request of its own; a
  // block left behind would refuse every write of every later test on this stack (its settings are persistent).
  await clusterSettings({ 'cluster.blocks.read_only': null });
  await clusterSettings({ 'cluster.max_shards_per_node': null });
});

async function zeekFile(): Promise<string> {
  const now = Date.now() / 1000;
  const lines = Array.from({ length: N }, (_, i) =>
    JSON.stringify({ ts: now - i, uid: `C${i}`, 'id.orig_h': '10.0.0.1' }),
  );
  return writeLines(path.join(await tempDir(), 'conn.ndjson'), lines);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 900): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const quickRetry = { opensearch: { initialInterval: 500, maximumInterval: 2000, backoffCoefficient: 2 } };

async function landedOnceWithoutQuarantine(handle: WorkflowHandle, tenant: string): Promise<void> {
  const summary = (await handle.result()) as IngestSummary;
  expect(summary).toMatchObject({ status: 'Completed', records: N, parsed: N, quarantined: 0 });
  expect(summary.rejected).toEqual({ s3: 0, snowflake: 0, opensearch: 0 });
  expect(await sinkCounts(tenant)).toEqual({
    s3: N,
    s3Distinct: N,
    opensearch: N,
    snowflake: { rows: N, distinct: N },
  });
  expect(await quarantineEntries(tenant)).toEqual([]);
}

describe('systemic refusals by OpenSearch: retried, parked as SystemicRefusal, never bisected or quarantined', () => {
  it('the shard limit (no new index can be created) parks the file; after it is raised and approved, every record lands once', async () => {
    const tenant = uniq('shards');
    const health = await opensearch.cluster.health({});
    // Exactly the shards open now: the day's index for this new tenant would be one too many.
    await clusterSettings({ 'cluster.max_shards_per_node': health.body.active_shards + health.body.unassigned_shards });
    const ref = await upload(await zeekFile(), tenant, 'zeek');
    const handle = await w.client.start(ref, {
      retry: { ...quickRetry, opensearch: { ...quickRetry.opensearch, window: 15_000 } },
    });
    let awaiting: AwaitingDecision;
    try {
      awaiting = await until('the file to park', async () => {
        const p = await handle.query(statusQuery);
        return p.awaiting[0] as AwaitingDecision | undefined;
      });
    } finally {
      // Whatever happens here, the next case (and other tests on this stack) must be able to create indices.
      await clusterSettings({ 'cluster.max_shards_per_node': null });
    }
    expect(awaiting).toMatchObject({ stage: 'opensearch', errorType: 'SystemicRefusal' });
    expect(awaiting.error).toMatch(/still failing after .*maximum (normal )?shards open/);
    expect(awaiting.error).toMatch(/no record is at fault/);
    const parked = await handle.query(statusQuery);
    expect(parked.rejected.opensearch).toBe(0);
    expect(await quarantineEntries(tenant)).toEqual([]);

    // The limit was raised above (finally); the operator approves.
    await handle.executeUpdate(approveUpdate, { args: [{ by: 'ops', stage: 'opensearch' }] });
    await landedOnceWithoutQuarantine(handle, tenant);
  });

  it('a read-only cluster block is waited out: status names it while it lasts, and the records land once when it is lifted', async () => {
    const tenant = uniq('readonly');
    const ref = await upload(await zeekFile(), tenant, 'zeek');
    await clusterSettings({ 'cluster.blocks.read_only': true });
    const handle = await w.client.start(ref, { retry: quickRetry });
    try {
      const waiting = await until('opensearch to be waiting', async () => {
        const s = await w.client.describe(handle.workflowId);
        return s.waiting.find((x) => x.stage === 'opensearch' && x.attempt >= 2);
      });
      expect(waiting.lastError).toMatch(/cluster_block_exception|read-only|read_only/);
      const p = await handle.query(statusQuery);
      expect(p.awaiting).toEqual([]);
      expect(p.rejected.opensearch).toBe(0);
    } finally {
      await clusterSettings({ 'cluster.blocks.read_only': null });
    }
    await landedOnceWithoutQuarantine(handle, tenant);
  });
});
