import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import { generateEvents } from '../../src/demo/generate';
import {
  CHAOS_RESULTS_DIR,
  chaosClient,
  chaosEnv,
  countFromEnv,
  expectCompleteSummary,
  expectExactlyOnce,
  mapLimit,
  WorkerProcess,
} from '../helpers/chaos';
import { tempDir, uniq, upload, writeLines } from '../helpers/ingest';

/** 1,000 unless SLUICE_CHAOS_BURST_FILES says otherwise (e.g. 100 for a quick local run). */
const FILES = countFromEnv('SLUICE_CHAOS_BURST_FILES', 1_000);
const RECORDS_PER_FILE = 20;
/** Uploads and workflow starts in flight at once, as a landing-bucket notifier fanning out would run them. */
const SUBMIT_CONCURRENCY = 32;
const REPORT = path.resolve(CHAOS_RESULTS_DIR, '..', 'chaos-burst.json');

describe('chaos: a burst of small files', () => {
  it(`${FILES} files submitted at once all complete, each row once per sink; files per second reported`, async () => {
    const tenant = uniq('chaos-burst');
    const taskQueue = uniq('chaos-burst');
    const { client } = await chaosClient(taskQueue);
    const worker = new WorkerProcess(taskQueue, chaosEnv(taskQueue));
    onTestFinished(async () => {
      await worker.close();
      await client.close();
    });

    // Every file differs (its own seed), so each is its own content-addressed object and its own workflow.
    const dir = await tempDir();
    const paths = await mapLimit(
      Array.from({ length: FILES }, (_, i) => i),
      16,
      (i) => writeLines(path.join(dir, `conn-${i}.ndjson`), generateEvents('zeek', RECORDS_PER_FILE, 10_000 + i)),
    );
    await worker.start();

    const t0 = Date.now();
    const handles = await mapLimit(paths, SUBMIT_CONCURRENCY, async (file) =>
      client.start(await upload(file, tenant, 'zeek')),
    );
    const submitMs = Date.now() - t0;
    expect(new Set(handles.map((h) => h.workflowId)).size).toBe(FILES);

    // The waits are cheap long polls; awaiting them in bounded lanes keeps the client's streams few.
    const summaries = (await mapLimit(handles, 64, (h) => h.result())) as IngestSummary[];
    // The server's own close times, not when this test happened to look: the last file done ends the burst.
    const closes = await mapLimit(handles, 32, async (h) => (await h.describe()).closeTime?.getTime() ?? Number.NaN);
    const seconds = (Math.max(...closes) - t0) / 1000;
    const result = {
      files: FILES,
      recordsPerFile: RECORDS_PER_FILE,
      submitConcurrency: SUBMIT_CONCURRENCY,
      submitSeconds: Number((submitMs / 1000).toFixed(1)),
      seconds: Number(seconds.toFixed(1)),
      filesPerSecond: Number((FILES / seconds).toFixed(1)),
      workerProcesses: 1,
      cpus: os.cpus().length,
      at: new Date().toISOString(),
    };
    mkdirSync(path.dirname(REPORT), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `[chaos] burst: ${FILES} files (${RECORDS_PER_FILE} records each) submitted in ${result.submitSeconds} s, all complete ` +
        `${result.seconds} s after the first upload: ${result.filesPerSecond} files/s on ${result.cpus} cores, one worker (${REPORT})`,
    );

    expect(closes.every(Number.isFinite)).toBe(true);
    for (const s of summaries) expectCompleteSummary(s, RECORDS_PER_FILE);
    await expectExactlyOnce(tenant, FILES * RECORDS_PER_FILE);
    expect(await worker.stop()).toBe(0);
  });
});
