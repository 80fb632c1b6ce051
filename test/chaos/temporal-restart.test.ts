import { describe, expect, it, onTestFinished } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import {
  awaitResults,
  chaosClient,
  chaosEnv,
  chunkProgress,
  demoFile,
  durationFromEnv,
  expectCompleteSummary,
  expectExactlyOnce,
  secondsSince,
  sleep,
  startService,
  stopService,
  WorkerProcess,
  waitFor,
} from '../helpers/chaos';
import { tempDir, uniq } from '../helpers/ingest';

/** How long the Temporal server stays down: 30 s unless SLUICE_CHAOS_TEMPORAL_DOWN says otherwise. */
const DOWN_MS = durationFromEnv('SLUICE_CHAOS_TEMPORAL_DOWN', 30_000);

describe('chaos: the Temporal server restarts mid-ingest', () => {
  it('the dev server is stopped and started on its SQLite file: the same workflow runs carry on where they were; each row once per sink', async () => {
    const tenant = uniq('chaos-temporal');
    const taskQueue = uniq('chaos-temporal');
    const { client } = await chaosClient(taskQueue);
    const worker = new WorkerProcess(taskQueue, chaosEnv(taskQueue));
    onTestFinished(async () => {
      await startService('temporal');
      await worker.close();
      await client.close();
    });

    const dir = await tempDir();
    const files = await Promise.all([
      demoFile(dir, tenant, 'zeek', 15_000, 301, true),
      demoFile(dir, tenant, 'cloudtrail', 8_000, 302),
    ]);
    const total = files.reduce((n, f) => n + f.records, 0);
    await worker.start();
    const t0 = Date.now();
    const handles = await Promise.all(files.map((f) => client.start(f.ref, { chunkTargetBytes: 128 * 1024 })));
    const ids = handles.map((h) => h.workflowId);

    const before = await waitFor(
      'a few chunks to land before the restart',
      async () => {
        const p = await chunkProgress(client, ids);
        return p.done >= 3 ? p : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const runsBefore = await Promise.all(handles.map(async (h) => (await h.describe()).runId));
    await stopService('temporal');
    const downAt = Date.now();
    expect(before.completed, 'a file finished before the restart').toBe(0);
    await sleep(DOWN_MS);
    await startService('temporal');
    const upAt = Date.now();

    // Nothing was started again: the server reloaded the same runs, with the chunks done before the stop.
    const after = await chunkProgress(client, ids);
    const runsAfter = await Promise.all(handles.map(async (h) => (await h.describe()).runId));
    expect(runsAfter).toEqual(runsBefore);
    for (const [i, p] of after.progress.entries()) {
      expect(p?.startedAt).toBe(before.progress[i]?.startedAt);
      expect(p?.chunksDone).toBeGreaterThanOrEqual(before.progress[i]?.chunksDone ?? 0);
    }

    const summaries = (await awaitResults(handles, 600_000)) as IngestSummary[];
    console.log(
      `[chaos] temporal restart: down ${((upAt - downAt) / 1000).toFixed(0)} s from chunk ${before.done}/${before.total}; ` +
        `worker ${worker.alive ? 'rode it out' : 'exited'} (${worker.starts} start); finished ${secondsSince(upAt)} s after the restart; case ${secondsSince(t0)} s`,
    );
    for (const [i, s] of summaries.entries()) expectCompleteSummary(s, files[i]?.records ?? -1);
    await expectExactlyOnce(tenant, total);
    // The same worker process polled through the outage: the SDK reconnects by itself, no restart needed.
    expect(worker.starts).toBe(1);
    expect(await worker.stop()).toBe(0);
  });
});
