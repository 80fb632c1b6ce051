import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectIngestClient } from '../../src/client/ingest-client';
import { statusQuery } from '../../src/contracts/messages';
import { generateEvents } from '../../src/demo/generate';
import { runSluice } from '../helpers/cli';
import { cfg } from '../helpers/env';
import { sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';

const bin = path.resolve(__dirname, '..', '..', 'bin', 'sluice.js');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const run = (args: string[], env: NodeJS.ProcessEnv) => runSluice(args, env, 400_000);

/** `sluice worker` as a fleet task runs it; resolves once it says it is polling. */
function startWorkerProcess(
  taskQueue: string,
): Promise<{ proc: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [bin, 'worker'], {
    env: { ...process.env, SLUICE_TASK_QUEUE: taskQueue, SLUICE_LOG_LEVEL: 'info' },
  });
  children.push(proc);
  let err = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('"msg":"worker started"')) resolve({ proc, stderr: () => err, exited });
    });
    proc.on('exit', (code) => reject(new Error(`worker exited with ${code} before starting: ${err}`)));
  });
}

describe('sluice worker', () => {
  it('refuses to start on bad configuration, naming every bad value', async () => {
    const r = await run(['worker'], { SLUICE_MAX_CHUNKS_IN_FLIGHT: '0', SLUICE_OPENSEARCH_URL: 'not a url' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('SLUICE_OPENSEARCH_URL (opensearch.url): expected an http(s) URL, got "not a url"');
    expect(r.err).toContain(
      'SLUICE_MAX_CHUNKS_IN_FLIGHT (pipeline.maxChunksInFlight): value must be at least 1, got 0',
    );
  });

  it('SIGTERM mid-ingest stops gracefully; a new worker finishes the file with exact counts', async () => {
    const taskQueue = uniq('sigterm');
    const tenant = uniq('sigterm');
    const dir = await tempDir();
    const ref = await upload(
      await writeLines(path.join(dir, 'conn.ndjson'), generateEvents('zeek', 12_000, 11)),
      tenant,
      'zeek',
    );
    const client = await connectIngestClient({ ...cfg, temporal: { ...cfg.temporal, taskQueue } });
    try {
      const first = await startWorkerProcess(taskQueue);
      const handle = await client.start(ref, { chunkTargetBytes: 64 * 1024, maxChunksInFlight: 2 });
      // Wait until the ingest is really under way, then stop the worker the way ECS stops a task.
      for (let i = 0; i < 600; i++) {
        const p = await handle.query(statusQuery);
        if (p.chunksDone >= 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const progress = await handle.query(statusQuery);
      expect(progress.chunksDone).toBeGreaterThanOrEqual(2);
      expect(progress.chunksDone).toBeLessThan(progress.chunksTotal);
      first.proc.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.stderr()).toContain('"msg":"worker stopped"');

      const second = await startWorkerProcess(taskQueue);
      const summary = await handle.result();
      expect(summary.parsed).toBe(12_000);
      expect(await sinkCounts(tenant)).toEqual({
        s3: 12_000,
        s3Distinct: 12_000,
        opensearch: 12_000,
        snowflake: { rows: 12_000, distinct: 12_000 },
      });
      second.proc.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      await client.close();
    }
  });
});

describe('sluice demo (the README main command)', () => {
  it('ingests generated Zeek, Suricata, CloudTrail, a multi-chunk gzip file and one file of each delivered format; every record lands in every sink', async () => {
    const tenant = uniq('demo');
    const r = await run(['demo', '--records', '5000', '--tenant', tenant], {
      SLUICE_TASK_QUEUE: uniq('demo'),
      SLUICE_CHUNK_TARGET_BYTES: '256KiB',
      SLUICE_LOG_LEVEL: 'warn',
    });
    expect(r.code).toBe(0);
    expect(r.out.match(/\[COMPLETED\]/g)).toHaveLength(11);
    // The delivered-format files are read with --log-type auto: each is recognised and lands whole.
    for (const logType of ['cloudtrail', 'zeek', 'vpcflow', 'alb', 'syslog', 'okta', 'guardduty']) {
      expect(r.out).toContain(`log type      ${logType} (recognised from the file)`);
    }
    expect(r.out.match(/records +200 read, 200 parsed, 0 quarantined/g)).toHaveLength(7);
    expect(r.out).toMatch(/records +5000 read, 5000 parsed, 0 quarantined/);
    expect(r.out).toMatch(/written +s3 5000, snowflake 5000, opensearch 5000/);
    const large = r.out.split('\n\n').find((block) => block.includes('zeek-conn-large.ndjson.gz')) ?? '';
    const chunks = Number(/chunks (\d+)\/\1/.exec(large)?.[1]);
    expect(chunks).toBeGreaterThan(1);
    expect(r.out).toContain(`Temporal Web UI: ${cfg.temporal.uiUrl}/namespaces/default/workflows?query=`);
    const total = 2_000 + 1_500 + 500 + 5_000 + 7 * 200;
    expect(await sinkCounts(tenant)).toEqual({
      s3: total,
      s3Distinct: total,
      opensearch: total,
      snowflake: { rows: total, distinct: total },
    });
  });
});
