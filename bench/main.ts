import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load';
import { SINK_NAMES } from '../src/contracts/ingest';
import { createOpenSearch, createS3 } from '../src/shared/clients';
import { runArrivals } from './arrival-delay';
import { type BenchContext, tenantFor } from './bench-context';
import { removeTenantData } from './cleanup';
import { type FileRunResult, runFile } from './file-run';
import { runIntakeDelay } from './intake-delay';
import { type BenchOptions, parseOptions, USAGE } from './options';
import { rawBulk } from './raw-bulk';
import { type BenchResults, type Machine, renderReport, writeResults } from './report';
import { useStack } from './stack-guard';
import { rate } from './units';
import { repoRoot } from './worker-child';

function machine(): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the figures still stand.
  }
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    memoryBytes: os.totalmem(),
    node: process.version,
    commit,
  };
}

/** Each file on a fresh worker, so each peak RSS is that file's; the e2e file's envelopes feed the raw figure. */
async function benchFiles(ctx: BenchContext, opts: BenchOptions, results: BenchResults): Promise<void> {
  const files: [label: string, bytes: number, seed: number][] = [
    ['small', opts.smallBytes, 1],
    ['e2e', opts.e2eBytes, 2],
  ];
  for (const [label, bytes, seed] of files) {
    if (bytes <= 0) continue;
    const run = await runFile(ctx, label, bytes, { gzip: opts.gzip, seed });
    results.files.push(run);
    if (label === 'e2e' && opts.raw) {
      await benchRaw(ctx, run, opts.rawConcurrency ?? ctx.cfg.sinks.opensearch.concurrency, results);
    }
    await tidy(ctx, opts, run.tenant, [run.fileId]);
  }
}

async function benchRaw(ctx: BenchContext, e2e: FileRunResult, concurrency: number, results: BenchResults) {
  const raw = await rawBulk(ctx, { fileId: e2e.fileId, chunks: e2e.summary.chunksTotal }, concurrency);
  const pipelineRecordsPerSec = rate(e2e.summary.records, e2e.arrivalToDoneMs);
  const rawDocsPerSec = rate(raw.docs, raw.ms);
  results.raw = {
    ...raw,
    file: e2e.label,
    pipelineRecordsPerSec,
    rawDocsPerSec,
    ratio: pipelineRecordsPerSec / rawDocsPerSec,
  };
}

async function tidy(ctx: BenchContext, opts: BenchOptions, tenant: string, fileIds: string[]): Promise<void> {
  if (opts.keepData) return;
  ctx.say(`removing tenant ${tenant}'s data from the stack`);
  await removeTenantData(ctx, tenant, fileIds);
}

/** Best effort after a failure: every bench tenant's rows go (staging objects, keyed by file id, may stay). */
async function tidyAfterFailure(ctx: BenchContext, opts: BenchOptions): Promise<void> {
  for (const label of ['small', 'e2e', 'arrival', 'intake', 'huge']) {
    await tidy(ctx, opts, tenantFor(ctx, label), []).catch((e: unknown) => ctx.say(`cleanup: ${(e as Error).message}`));
  }
}

async function bench(opts: BenchOptions, say: (line: string) => void): Promise<BenchResults> {
  const started = Date.now();
  const cfg = loadConfig();
  const stack = await useStack(cfg, say);
  const ctx: BenchContext = {
    runId: randomBytes(3).toString('hex'),
    cfg,
    s3: createS3(cfg.s3),
    opensearch: createOpenSearch(cfg.opensearch),
    stackPids: stack.pids,
    tmpDir: mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-')),
    say,
  };
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    machine: machine(),
    pipeline: {
      chunkTargetBytes: cfg.pipeline.chunkTargetBytes,
      maxChunksInFlight: cfg.pipeline.maxChunksInFlight,
      chunksPerRun: cfg.pipeline.chunksPerRun,
      snowflakeRowsPerStatement: cfg.snowflake.rowsPerStatement,
      sinkConcurrency: Object.fromEntries(SINK_NAMES.map((s) => [s, cfg.sinks[s].concurrency])),
    },
    options: { ...opts },
    files: [],
  };
  say(`run ${ctx.runId}; temporary files and worker logs in ${ctx.tmpDir}`);
  let failed = true;
  try {
    await benchFiles(ctx, opts, results);
    if (opts.arrivalRate > 0 && opts.arrivalSeconds > 0) {
      const arrivals = await runArrivals(ctx, {
        rate: opts.arrivalRate,
        seconds: opts.arrivalSeconds,
        fileBytes: opts.arrivalBytes,
      });
      results.arrivals = arrivals;
      await tidy(ctx, opts, tenantFor(ctx, 'arrival'), arrivals.fileIds);
    }
    if (opts.intakeFiles > 0) {
      results.intake = await runIntakeDelay(ctx, {
        files: opts.intakeFiles,
        rate: opts.intakeRate,
        scanIntervalMs: opts.scanIntervalSeconds * 1000,
      });
      await tidy(ctx, opts, tenantFor(ctx, 'intake'), []);
    }
    // Last, as it takes longest: a failure here still leaves every figure above.
    if (opts.hugeBytes > 0) {
      const run = await runFile(ctx, 'huge', opts.hugeBytes, { gzip: opts.gzip, seed: 3 });
      results.files.push(run);
      await tidy(ctx, opts, run.tenant, [run.fileId]);
    }
    failed = false;
  } finally {
    results.durationMs = Date.now() - started;
    // Worker logs are kept when something failed: they say why.
    if (failed) {
      say(`worker logs kept in ${ctx.tmpDir}`);
      await tidyAfterFailure(ctx, opts);
    } else rmSync(ctx.tmpDir, { recursive: true, force: true });
    ctx.s3.destroy();
    await ctx.opensearch.close().catch(() => undefined);
    await stack.restore();
  }
  return results;
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const results = await bench(opts, say);
  const out = path.resolve(repoRoot(), opts.out);
  writeResults(out, results);
  process.stdout.write(renderReport(results));
  say(`figures written to ${out}`);
  return 0;
}
