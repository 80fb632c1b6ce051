import { describe, expect, it, onTestFinished } from 'vitest';
import type { FileStatus, StageWaiting } from '../../src/client/ingest-client';
import type { IngestSummary, SinkName } from '../../src/contracts/ingest';
import type { ServiceName } from '../../src/stack/services';
import {
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
  statusJson,
  statusText,
  stopService,
  WAITING_STAGES,
  WorkerProcess,
  waitFor,
} from '../helpers/chaos';
import { tempDir, uniq } from '../helpers/ingest';

/** How long each provider stays down: 3 minutes unless SLUICE_CHAOS_OUTAGE says otherwise (e.g. 30s locally). */
const OUTAGE_MS = durationFromEnv('SLUICE_CHAOS_OUTAGE', 3 * 60_000);

interface OutageCase {
  service: ServiceName;
  /** The sink the service is, when it is one: only that stage may wait, and nothing more lands in it. */
  sink?: SinkName;
  /** Why the stages that wait are the ones they are. */
  why: string;
}

const CASES: OutageCase[] = [
  { service: 'opensearch', sink: 'opensearch', why: 'only the OpenSearch sink talks to it' },
  { service: 'snowflake', sink: 'snowflake', why: 'only the Snowflake sink talks to it' },
  {
    service: 'minio',
    why: 'the landing, staging and processed buckets are all in it: split, process and every sink read or write there',
  },
];

/** The first running file whose status shows a stage retrying (the outage), read through `sluice status --json`. */
async function firstWaiting(ids: string[], expected: (w: StageWaiting) => boolean) {
  for (const id of ids) {
    const status = await statusJson(id);
    const hit = status.execution === 'RUNNING' ? status.waiting.find((w) => expected(w) && w.attempt >= 2) : undefined;
    if (hit) return { id, status, waiting: hit, at: Date.now() };
  }
  return undefined;
}

describe(`chaos: a provider is down for ${OUTAGE_MS / 1000} s mid-ingest`, () => {
  for (const c of CASES) {
    it(`${c.service} stopped and started again: the ingest waits (status says where, since when), then drains by itself; each row once per sink`, async () => {
      const tenant = uniq(`chaos-${c.service}`);
      const taskQueue = uniq(`chaos-${c.service}`);
      const { client } = await chaosClient(taskQueue);
      const worker = new WorkerProcess(taskQueue, chaosEnv(taskQueue));
      onTestFinished(async () => {
        // Whatever happened in this case, the next one needs the service back.
        await startService(c.service);
        await worker.close();
        await client.close();
      });

      const dir = await tempDir();
      const files = await Promise.all([
        demoFile(dir, tenant, 'zeek', 15_000, 201, true),
        demoFile(dir, tenant, 'suricata', 10_000, 202),
      ]);
      const total = files.reduce((n, f) => n + f.records, 0);
      await worker.start();
      const t0 = Date.now();
      const handles = await Promise.all(files.map((f) => client.start(f.ref, { chunkTargetBytes: 128 * 1024 })));
      const ids = handles.map((h) => h.workflowId);

      // Mid-ingest: a few chunks are through every sink, most are still to come.
      const before = await waitFor(
        'a few chunks to land before the outage',
        async () => {
          const p = await chunkProgress(client, ids);
          return p.done >= 3 ? p : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await stopService(c.service);
      const downAt = Date.now();
      expect(before.completed, 'a file finished before the outage began').toBe(0);

      // While it is down, `sluice status --json` names the waiting stage, the attempt and the error.
      const stageMatches = (w: StageWaiting) => (c.sink ? w.stage === c.sink : true);
      const first = await waitFor('sluice status to show a waiting stage', () => firstWaiting(ids, stageMatches), {
        timeoutMs: Math.max(30_000, OUTAGE_MS - 10_000),
        intervalMs: 2_000,
      });
      const waitingStages = (s: FileStatus) => s.waiting.map((w) => w.stage).sort();
      if (c.sink) expect(waitingStages(first.status), c.why).toEqual([c.sink]);
      else expect(first.status.waiting.length, c.why).toBeGreaterThan(0);
      for (const w of first.status.waiting) {
        expect(WAITING_STAGES).toContain(w.stage);
        expect(w.activities).toBeGreaterThanOrEqual(1);
        expect(w.lastError, `${w.stage} waits without saying why`).toBeTruthy();
      }
      // "Since when": the retrying work was scheduled after the ingest began and no later than it was seen waiting.
      const since = Date.parse(first.waiting.since);
      expect(since).toBeGreaterThanOrEqual(t0 - 1_000);
      expect(since).toBeLessThanOrEqual(first.at);

      // Through the outage nothing is failed, dropped or parked for a person: the work just keeps retrying.
      await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      const last = await statusJson(first.id);
      const text = await statusText(first.id);
      expect(last.execution).toBe('RUNNING');
      expect(last.progress?.awaiting).toEqual([]);
      const lastWaiting = last.waiting.find((w) => w.stage === first.waiting.stage);
      expect(lastWaiting, `${first.waiting.stage} no longer waiting at the end of the outage`).toBeDefined();
      expect(lastWaiting?.since).toBe(first.waiting.since);
      expect(lastWaiting?.attempt).toBeGreaterThanOrEqual(first.waiting.attempt);
      if (c.sink) {
        expect(waitingStages(last), c.why).toEqual([c.sink]);
        // The sink that is down got nothing more; its row count only moves once it is back.
        expect(last.progress?.written[c.sink]).toBe(first.status.progress?.written[c.sink]);
      }
      // The plain output says the same in a line a person reads; read a moment later, its attempt may be higher.
      const line = new RegExp(
        `waiting on ${first.waiting.stage} since ${first.waiting.since} \\(attempt (\\d+)[^)]*\\): (.+)`,
      );
      const shown = line.exec(text);
      expect(shown, `no "waiting on ${first.waiting.stage} since …" line in:\n${text}`).not.toBeNull();
      expect(Number(shown?.[1])).toBeGreaterThanOrEqual(lastWaiting?.attempt ?? 0);

      // Back up, with no approve, no signal, nothing: the retries find it and the backlog drains.
      await startService(c.service);
      const upAt = Date.now();
      const summaries = (await Promise.all(handles.map((h) => h.result()))) as IngestSummary[];
      console.log(
        `[chaos] ${c.service} outage: down ${((upAt - downAt) / 1000).toFixed(0)} s from chunk ${before.done}/${before.total}; ` +
          `status showed ${waitingStages(first.status).join(', ')} waiting ${((first.at - downAt) / 1000).toFixed(0)} s into it, ` +
          `since ${first.waiting.since} (attempt ${first.waiting.attempt} → ${lastWaiting?.attempt}: ${lastWaiting?.lastError}); ` +
          `drained ${secondsSince(upAt)} s after it was back; case ${secondsSince(t0)} s`,
      );
      for (const [i, s] of summaries.entries()) expectCompleteSummary(s, files[i]?.records ?? -1);
      await expectExactlyOnce(tenant, total);
      expect(await worker.stop()).toBe(0);
    });
  }
});
