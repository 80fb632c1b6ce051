import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { connectIngestClient, type FileStatus, type IngestClient } from '../../src/client/ingest-client';
import { loadConfig, type SluiceConfig } from '../../src/config/load';
import { requireDuration } from '../../src/config/units';
import type { FileRef, IngestStatus, IngestSummary, Stage } from '../../src/contracts/ingest';
import { STAGES } from '../../src/contracts/ingest';
import { type DemoKind, generateEvents } from '../../src/demo/generate';
import type { ServiceName } from '../../src/stack/services';
import { runSluice } from './cli';
import { sinkCounts, upload, writeLines } from './ingest';

const bin = path.resolve(__dirname, '..', '..', 'bin', 'sluice.js');
/** Worker logs and reports of the chaos suite, kept for a look after a failed run (CI keeps test-results/). */
export const CHAOS_RESULTS_DIR = path.resolve(__dirname, '..', '..', 'test-results', 'chaos');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const secondsSince = (t0: number) => Number(((Date.now() - t0) / 1000).toFixed(1));

/**
 * Settings for the workers and the client of one chaos case. The task queue is the case's own (the sink queues
 * derive from it), so a case never takes another's tasks. Retry backoff is kept short, so a drain starts within
 * seconds of a provider's return rather than after a production-sized backoff of up to 10 minutes. The client's
 * values matter most: it puts the retry policy into each file's workflow input.
 */
export function chaosEnv(taskQueue: string): Record<string, string> {
  const env: Record<string, string> = { SLUICE_TASK_QUEUE: taskQueue };
  for (const stage of STAGES) {
    env[`SLUICE_RETRY_${stage.toUpperCase()}_INITIAL_INTERVAL`] = '1s';
    env[`SLUICE_RETRY_${stage.toUpperCase()}_MAX_INTERVAL`] = '5s';
  }
  return env;
}

/** A client on the case's task queue, with the case's retry settings as the files' defaults. */
export async function chaosClient(taskQueue: string): Promise<{ cfg: SluiceConfig; client: IngestClient }> {
  const cfg = loadConfig({ ...process.env, ...chaosEnv(taskQueue) });
  return { cfg, client: await connectIngestClient(cfg) };
}

/**
 * `sluice worker` as its own OS process, as the fleet runs it, so it can be killed with SIGKILL: no shutdown hook,
 * no grace time, in-flight activities just vanish. It runs in a process group of its own, so a kill reaches the
 * launcher and the heap-limited worker it starts (SLUICE_WORKER_HEAP_LIMIT) in the same instant. Its output goes
 * to a log file under CHAOS_RESULTS_DIR.
 */
export class WorkerProcess {
  private proc?: ChildProcess;
  private exited?: Promise<number | null>;
  private readonly log: WriteStream;
  starts = 0;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
  ) {
    mkdirSync(CHAOS_RESULTS_DIR, { recursive: true });
    this.log = createWriteStream(path.join(CHAOS_RESULTS_DIR, `${name}.worker.log`), { flags: 'a' });
  }

  get alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the process and resolves once it logs that it polls. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.alive) throw new Error(`${this.name}: worker already running (pid ${this.proc?.pid})`);
    this.starts += 1;
    this.log.write(`\n--- ${new Date().toISOString()} start #${this.starts}\n`);
    const proc = spawn(process.execPath, [bin, 'worker'], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.proc = proc;
    const pgid = proc.pid;
    if (pgid !== undefined) liveGroups.add(pgid);
    this.exited = new Promise((r) =>
      proc.once('exit', (code) => {
        // The launcher is gone; its heap-limited child follows within half a second (it watches its parent).
        if (pgid !== undefined) liveGroups.delete(pgid);
        r(code);
      }),
    );
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: worker not polling after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onData = (d: Buffer) => {
        this.log.write(d);
        // Only the start-up output is kept in memory, to recognise "worker started" and to explain a failed start.
        if (seen.length < 64 * 1024) seen += d.toString();
        if (seen.includes('"msg":"worker started"')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name}: worker exited (${code ?? signal}) before polling:\n${seen.slice(-4000)}`));
      });
    });
  }

  /** kill -9 of every process of the worker; resolves once none is left. */
  async kill9(): Promise<void> {
    const pid = this.proc?.pid;
    if (!this.alive || pid === undefined) throw new Error(`${this.name}: no running worker to kill`);
    this.log.write(`\n--- ${new Date().toISOString()} kill -9 process group ${pid}\n`);
    process.kill(-pid, 'SIGKILL');
    await this.exited;
    while (groupAlive(pid)) await sleep(50);
  }

  /** A graceful stop (SIGTERM to the launcher, which passes it on), as at the end of a case; the exit code. */
  async stop(): Promise<number | null | undefined> {
    if (!this.alive) return this.proc?.exitCode;
    this.proc?.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(45_000).then(() => 'timeout' as const)]);
    if (code !== 'timeout') return code;
    await this.kill9();
    return this.exited;
  }

  async close(): Promise<void> {
    if (this.alive) await this.kill9();
    await new Promise((r) => this.log.end(r));
  }
}

/** Worker process groups still running: they live in groups of their own, so nothing else would end them. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `sluice stack stop <service>`, as an operator rehearsing an outage types it. */
export async function stopService(name: ServiceName): Promise<void> {
  const r = await runSluice(['stack', 'stop', name], {}, 120_000);
  if (r.code !== 0 || !r.out.includes(`${name}: stopped`))
    throw new Error(`sluice stack stop ${name} failed (exit ${r.code}): ${r.out}${r.err}`);
}

/** `sluice stack start <service>`: resolves once the service answers healthy again. */
export async function startService(name: ServiceName): Promise<void> {
  const r = await runSluice(['stack', 'start', name], {}, 400_000);
  if (r.code !== 0 || !new RegExp(`^${name} +running .* healthy`, 'm').test(r.out))
    throw new Error(`sluice stack start ${name} failed (exit ${r.code}): ${r.out}${r.err}`);
}

/** A duration from the environment: "3m", "90s", "1500ms", or plain milliseconds. */
export function durationFromEnv(name: string, fallbackMs: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallbackMs;
  return /^\d+$/.test(raw) ? Number(raw) : requireDuration(raw, name);
}

/** A positive whole number from the environment, or the fallback. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive whole number, got "${raw}"`);
  return n;
}

/**
 * Reproducible randomness: a failing run prints its seed, and SLUICE_CHAOS_SEED=<seed> replays the same choices
 * (mulberry32).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function chaosSeed(): number {
  const given = process.env.SLUICE_CHAOS_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/** Polls until `check` returns a value (not undefined), or fails naming what it waited for and the last value. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 1000 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
  );
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Each workflow's result. A wait cut off by the server going away (a restart) is simply made again; a workflow
 * that failed is an answer, and is thrown.
 */
export async function awaitResults(handles: WorkflowHandle[], timeoutMs: number): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  return Promise.all(
    handles.map(async (h) => {
      for (;;) {
        try {
          return await h.result();
        } catch (e) {
          if (e instanceof WorkflowFailedError || Date.now() > deadline) throw e;
          await sleep(1000);
        }
      }
    }),
  );
}

export interface DemoFile {
  ref: FileRef;
  records: number;
}

/** Writes `records` generated events of `kind` (distinct per seed) and uploads them to the landing bucket. */
export async function demoFile(
  dir: string,
  tenant: string,
  kind: DemoKind,
  records: number,
  seed: number,
  gzip = false,
): Promise<DemoFile> {
  const file = path.join(dir, `${kind}-${seed}.ndjson${gzip ? '.gz' : ''}`);
  await writeLines(file, generateEvents(kind, records, seed), gzip);
  return { ref: await upload(file, tenant, kind), records };
}

/** `sluice status <workflow id> --json`, run as a user runs it. */
export async function statusJson(workflowId: string, env: Record<string, string> = {}): Promise<FileStatus> {
  const r = await runSluice(['status', workflowId, '--json'], env, 60_000);
  if (r.code !== 0) throw new Error(`sluice status ${workflowId} --json failed (exit ${r.code}): ${r.err}`);
  return JSON.parse(r.out) as FileStatus;
}

/** `sluice status <workflow id>` as text. */
export async function statusText(workflowId: string, env: Record<string, string> = {}): Promise<string> {
  const r = await runSluice(['status', workflowId], env, 60_000);
  if (r.code !== 0) throw new Error(`sluice status ${workflowId} failed (exit ${r.code}): ${r.err}`);
  return r.out;
}

/** Chunks done over all files, read through each workflow's status query. */
export async function chunkProgress(
  client: IngestClient,
  workflowIds: string[],
): Promise<{ done: number; total: number; completed: number; progress: (IngestStatus | IngestSummary | undefined)[] }> {
  const statuses = await Promise.all(workflowIds.map((id) => client.describe(id)));
  return {
    done: statuses.reduce((n, s) => n + (s.progress?.chunksDone ?? 0), 0),
    total: statuses.reduce((n, s) => n + (s.progress?.chunksTotal ?? 0), 0),
    completed: statuses.filter((s) => s.execution === 'COMPLETED').length,
    progress: statuses.map((s) => s.progress),
  };
}

/** Every stage a workflow may report as waiting; a stage outside this list is a wrong answer. */
export const WAITING_STAGES: readonly Stage[] = STAGES;

/**
 * The end of every case: each sink holds exactly `records` rows of the tenant, one per row id. OpenSearch keys
 * documents by row id, so its count is already a count of distinct ids.
 */
export async function expectExactlyOnce(tenant: string, records: number): Promise<void> {
  expect(await sinkCounts(tenant)).toEqual({
    s3: records,
    s3Distinct: records,
    opensearch: records,
    snowflake: { rows: records, distinct: records },
  });
}

/** Each file's own summary agrees: every record read, parsed and written once per sink, nothing waiting. */
export function expectCompleteSummary(summary: IngestSummary, records: number): void {
  expect({
    status: summary.status,
    chunks: summary.chunksDone === summary.chunksTotal,
    records: summary.records,
    parsed: summary.parsed,
    quarantined: summary.quarantined,
    written: summary.written,
    awaiting: summary.awaiting,
    decisions: summary.decisions,
  }).toEqual({
    status: 'Completed',
    chunks: true,
    records,
    parsed: records,
    quarantined: 0,
    written: { s3: records, snowflake: records, opensearch: records },
    awaiting: [],
    decisions: [],
  });
}
