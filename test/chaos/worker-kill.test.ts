import { afterAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import {
  chaosClient,
  chaosEnv,
  chaosSeed,
  chunkProgress,
  demoFile,
  expectCompleteSummary,
  expectExactlyOnce,
  mapLimit,
  secondsSince,
  seededRandom,
  sleep,
  WorkerProcess,
} from '../helpers/chaos';
import { tempDir, uniq } from '../helpers/ingest';

const KILLS = 5;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('chaos: the worker is killed with SIGKILL again and again mid-ingest', () => {
  it(`${KILLS} kill -9s at random points of a multi-file, multi-chunk ingest: every file completes, each row once per sink`, async () => {
    const seed = chaosSeed();
    const random = seededRandom(seed);
    const tenant = uniq('chaos-kill');
    const taskQueue = uniq('chaos-kill');
    const { client } = await chaosClient(taskQueue);
    cleanups.push(() => client.close());
    const worker = new WorkerProcess(taskQueue, chaosEnv(taskQueue));
    cleanups.push(() => worker.close());

    // Four files of three log types, one gzip, about 150 chunks of 256 KiB in all: enough work that every kill lands while
    // chunks are in flight in split, process or the sinks, whichever the dice pick.
    const dir = await tempDir();
    const files = await Promise.all([
      demoFile(dir, tenant, 'zeek', 30_000, 101, true),
      demoFile(dir, tenant, 'suricata', 20_000, 102),
      demoFile(dir, tenant, 'cloudtrail', 10_000, 103),
      demoFile(dir, tenant, 'zeek', 20_000, 104),
    ]);
    const total = files.reduce((n, f) => n + f.records, 0);

    await worker.start();
    const t0 = Date.now();
    const handles = await mapLimit(files, 4, (f) => client.start(f.ref, { chunkTargetBytes: 256 * 1024 }));
    const ids = handles.map((h) => h.workflowId);

    const kills: { at: number; afterMs: number; chunksDone: number; chunksTotal: number; completed: number }[] = [];
    for (let k = 1; k <= KILLS; k++) {
      // A random moment 2–9 s into this worker's life: sometimes mid-split, mostly mid-process or mid-sink.
      const afterMs = 2_000 + Math.floor(random() * 7_000);
      await sleep(afterMs);
      const before = await chunkProgress(client, ids);
      // A kill after everything finished would prove nothing; the workload is sized so this does not happen.
      expect(
        before.completed,
        `all files finished before kill ${k} (seed ${seed}); the workload is too small for this machine`,
      ).toBeLessThan(files.length);
      await worker.kill9();
      kills.push({
        at: secondsSince(t0),
        afterMs,
        chunksDone: before.done,
        chunksTotal: before.total,
        completed: before.completed,
      });
      // Back at once, as an orchestrator restarts a crashed task; the dead worker's activities come back to it
      // when their heartbeats time out.
      await worker.start();
    }

    const summaries = (await Promise.all(handles.map((h) => h.result()))) as IngestSummary[];
    const seconds = secondsSince(t0);
    console.log(
      `[chaos] worker-kill: seed ${seed}; ${KILLS} kill -9s (${JSON.stringify(kills)}); ${total} records in ` +
        `${summaries.reduce((n, s) => n + s.chunksTotal, 0)} chunks completed in ${seconds} s`,
    );
    expect(worker.starts).toBe(KILLS + 1);
    for (const [i, s] of summaries.entries()) expectCompleteSummary(s, files[i]?.records ?? -1);
    // Several kills must have caught chunks between start and finish, not only the split.
    expect(kills.filter((k) => k.chunksDone > 0 && k.chunksDone < k.chunksTotal).length).toBeGreaterThanOrEqual(2);
    await expectExactlyOnce(tenant, total);
    expect(await worker.stop()).toBe(0);
  });
});
