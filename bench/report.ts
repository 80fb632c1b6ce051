import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SINK_NAMES, STAGES, type Stage } from '../src/contracts/ingest';
import type { ArrivalResult } from './arrival-delay';
import type { CpuUsage } from './cpu-usage';
import type { FileRunResult } from './file-run';
import type { DelayFigures, IntakeDelayResult } from './intake-delay';
import type { RawBulkResult } from './raw-bulk';
import { formatBytes, formatRate, MiB, rate, seconds } from './units';
import type { WorkerMemory } from './worker-child';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  commit: string;
}

export interface BenchResults {
  startedAt: string;
  durationMs: number;
  machine: Machine;
  pipeline: {
    chunkTargetBytes: number;
    maxChunksInFlight: number;
    chunksPerRun: number;
    snowflakeRowsPerStatement: number;
    /** Chunks one worker writes to each sink at once. */
    sinkConcurrency: Record<string, number>;
  };
  options: Record<string, unknown>;
  files: FileRunResult[];
  raw?: RawBulkResult & { file: string; pipelineRecordsPerSec: number; rawDocsPerSec: number; ratio: number };
  arrivals?: ArrivalResult;
  intake?: IntakeDelayResult;
}

/** A Markdown table with padded columns (readable as plain text too). */
function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const mibPerSec = (bytes: number, ms: number) => formatRate(rate(bytes / MiB, ms));

/** "yes" when the file completed with every parsed record in every sink; otherwise what is missing. */
function completeness(f: FileRunResult): string {
  const short = SINK_NAMES.filter((s) => f.summary.written[s] !== f.summary.parsed).map(
    (s) => `${s} ${f.summary.written[s]}/${f.summary.parsed}`,
  );
  if (f.summary.status !== 'Completed') short.unshift(f.summary.status);
  return short.length ? short.join(', ') : 'yes';
}

function filesTable(files: FileRunResult[]): string {
  return table(
    [
      'file',
      'input',
      'records',
      'every sink',
      'chunks',
      'upload',
      'arrival→done',
      'MiB/s',
      'records/s',
      'runs',
      'history events',
      'worker RSS idle → peak',
    ],
    files.map((f) => [
      f.label,
      `${formatBytes(f.summary.bytes)}${f.gzip ? ` (gzip ${formatBytes(f.objectBytes)})` : ''}`,
      f.summary.records.toLocaleString('en-US'),
      completeness(f),
      String(f.summary.chunksTotal),
      seconds(f.uploadMs),
      seconds(f.arrivalToDoneMs),
      mibPerSec(f.summary.bytes, f.arrivalToDoneMs),
      formatRate(rate(f.summary.records, f.arrivalToDoneMs)),
      String(f.history.runs),
      f.history.runs > 1
        ? `${f.history.events.toLocaleString('en-US')} (≤ ${Math.max(...f.history.eventsPerRun)} a run)`
        : f.history.events.toLocaleString('en-US'),
      `${formatBytes(f.worker.idleRssBytes)} → ${formatBytes(f.worker.peakRssBytes)}`,
    ]),
  );
}

/** Records a stage handled: every record for split and process, those it wrote for a sink. */
function stageRecords(f: FileRunResult, stage: Stage): number {
  return (SINK_NAMES as readonly string[]).includes(stage)
    ? f.summary.written[stage as (typeof SINK_NAMES)[number]]
    : f.summary.records;
}

const STAGE_NOTE =
  'busy: activity run time summed; wall: first scheduled → last completed; busy/wall: activities of the stage ' +
  "running at once on average; MiB/s: the file's uncompressed bytes over wall; mean wait: scheduled → started.";

function stagesTable(f: FileRunResult): string {
  return table(
    ['stage', 'activities', 'retries', 'busy', 'wall', 'busy/wall', 'records/s (wall)', 'MiB/s (wall)', 'mean wait'],
    STAGES.map((s) => {
      const t = f.history.stages[s];
      const n = t.activities + t.failed;
      return [
        s,
        `${t.activities}${t.failed ? ` (+${t.failed} failed)` : ''}`,
        String(t.retries),
        seconds(t.busyMs),
        seconds(t.wallMs),
        t.wallMs ? (t.busyMs / t.wallMs).toFixed(2) : '-',
        formatRate(rate(stageRecords(f, s), t.wallMs)),
        mibPerSec(f.summary.bytes, t.wallMs),
        n ? seconds(t.waitMs / n) : '-',
      ];
    }),
  );
}

/** Where each worker's peak went (see MEMORY_NOTE). */
function memoryTable(rows: [label: string, w: WorkerMemory & { idleRssBytes: number }][]): string {
  return table(
    [
      'worker of',
      'processes',
      'idle RSS',
      'peak RSS',
      'at peak: main heap',
      'external',
      'other',
      'highest main heap (used)',
    ],
    rows.map(([label, w]) => {
      const p = w.atPeak;
      return [
        label,
        String(w.processes),
        formatBytes(w.idleRssBytes),
        formatBytes(w.peakRssBytes),
        p ? formatBytes(p.heapTotal) : '-',
        p ? formatBytes(p.external) : '-',
        p ? formatBytes(Math.max(0, p.rss - p.heapTotal - p.external)) : '-',
        p ? `${formatBytes(p.peak.heapTotal)} (${formatBytes(p.peak.heapUsed)})` : '-',
      ];
    }),
  );
}

const MEMORY_NOTE =
  'peak RSS: each process of the worker (with its launcher, when `sluice worker` re-executes itself to set the ' +
  'heap limit) at its own peak, added up. The rest is the worker process as its main thread saw it at its ' +
  'highest RSS: main heap, the V8 heap of the thread running activities; external, Buffers and zlib outside ' +
  "it; other, the remainder (Temporal's native core, workflow threads' heaps, code, allocator slack).";
/**
 * CPU seconds each process spent while a run was being ingested, with its share of the machine's capacity
 * (cores × wall time). "other" is everyone else on the machine, "idle" what nobody used.
 */
function cpuTable(cores: number, runs: [label: string, cpu: CpuUsage][]): string {
  const names = [...new Set(runs.flatMap(([, c]) => Object.keys(c.seconds)))];
  const cell = (sec: number, capacity: number) =>
    `${sec.toFixed(sec < 10 ? 1 : 0)} s (${((sec / capacity) * 100).toFixed(0)} %)`;
  return table(
    ['run', 'wall', ...names, 'other', 'idle'],
    runs.map(([label, c]) => {
      const capacity = (cores * c.wallMs) / 1000;
      return [
        label,
        seconds(c.wallMs),
        ...names.map((n) => cell(c.seconds[n] ?? 0, capacity)),
        cell(c.otherSeconds, capacity),
        cell(Math.max(0, capacity - c.busySeconds), capacity),
      ];
    }),
  );
}

function rawTable(r: NonNullable<BenchResults['raw']>): string {
  return table(
    [
      'documents',
      '_bulk requests',
      'in flight',
      'indices',
      'time',
      'docs/s',
      'MiB/s (bodies)',
      'item errors',
      `pipeline records/s (${r.file})`,
      'pipeline / raw',
    ],
    [
      [
        r.docs.toLocaleString('en-US'),
        String(r.requests),
        String(r.concurrency),
        String(r.indices),
        seconds(r.ms),
        formatRate(r.rawDocsPerSec),
        mibPerSec(r.bodyBytes, r.ms),
        String(r.itemErrors),
        formatRate(r.pipelineRecordsPerSec),
        `${(r.ratio * 100).toFixed(0)} %`,
      ],
    ],
  );
}

function arrivalsTable(a: ArrivalResult): string {
  const d = a.delayMs;
  return table(
    [
      'arrivals',
      'files',
      'records each',
      'p50',
      'p95',
      'p99',
      'max',
      'mean',
      'failed',
      'history events/file',
      'worker RSS idle → peak',
    ],
    [
      [
        `${a.rate}/s for ${a.seconds} s (achieved ${a.achievedRate.toFixed(2)}/s)`,
        String(a.files),
        `${a.recordsPerFile} (${formatBytes(a.fileBytes)})`,
        seconds(d.p50),
        seconds(d.p95),
        seconds(d.p99),
        seconds(d.max),
        seconds(d.mean),
        String(a.failed),
        a.historyEventsPerFile.toFixed(0),
        `${formatBytes(a.worker.idleRssBytes)} → ${formatBytes(a.worker.peakRssBytes)}`,
      ],
    ],
  );
}

function intakeTable(i: IntakeDelayResult): string {
  const row = (path: string, f: DelayFigures & { skipped?: string }) =>
    f.skipped
      ? [path, '-', '-', '-', '-', `skipped: ${f.skipped}`]
      : [path, String(f.files), seconds(f.p50), seconds(f.p99), seconds(f.max), String(f.missing)];
  return table(
    ['path', 'files', 'p50', 'p99', 'max', 'not started'],
    [
      ...(i.event ? [row(`event: MinIO webhook → SQS → intake, ${i.rate} uploads/s`, i.event)] : []),
      row(`scan: Schedule every ${seconds(i.scanIntervalMs)}, ${i.rate} uploads/s`, i.scan),
    ],
  );
}

const sinkConcurrency = (r: BenchResults) =>
  Object.entries(r.pipeline.sinkConcurrency)
    .map(([sink, n]) => `${sink} ${n}`)
    .join(', ');

export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const out = [
    `## Sluice benchmark, ${r.startedAt} (took ${seconds(r.durationMs)})`,
    '',
    `${m.cpus} × ${m.cpuModel}, ${formatBytes(m.memoryBytes)} RAM, Node ${m.node}, commit ${m.commit}; ` +
      `chunks of ${formatBytes(r.pipeline.chunkTargetBytes)}, ${r.pipeline.maxChunksInFlight} in flight, ` +
      `${r.pipeline.chunksPerRun} per run; sink writes at once per worker: ${sinkConcurrency(r)}; ` +
      `Snowflake ${r.pipeline.snowflakeRowsPerStatement} rows/statement. Records: CloudTrail-like JSON.`,
  ];
  const section = (title: string, ...body: string[]) => out.push('', `### ${title}`, ...body.flatMap((b) => ['', b]));
  if (r.files.length) {
    section(
      'Files through the whole pipeline (S3 + Snowflake emulator + OpenSearch), one worker each',
      filesTable(r.files),
    );
    for (const f of r.files.filter((f) => f.summary.chunksTotal > 1)) {
      section(`Stages of the ${f.label} file (from its workflow history)`, stagesTable(f), STAGE_NOTE);
    }
  }
  if (r.raw)
    section(`Raw OpenSearch _bulk of the same envelopes (${r.raw.file} file), scratch indices`, rawTable(r.raw));
  if (r.arrivals) {
    section('Pipeline delay of small files (upload done → every sink acknowledged)', arrivalsTable(r.arrivals));
  }
  if (r.intake) section('Files that start themselves (upload done → ingest workflow started)', intakeTable(r.intake));
  const cpuRuns: [string, CpuUsage][] = r.files.map((f) => [`${f.label} file`, f.cpu]);
  if (r.arrivals) cpuRuns.push(['arrivals', r.arrivals.cpu]);
  if (cpuRuns.length) {
    section(`CPU while ingesting (seconds, and share of ${m.cpus} cores × wall)`, cpuTable(m.cpus, cpuRuns));
  }
  const workers: [string, WorkerMemory & { idleRssBytes: number }][] = r.files.map((f) => [
    `${f.label} file`,
    f.worker,
  ]);
  if (r.arrivals) workers.push(['arrivals', r.arrivals.worker]);
  if (workers.length)
    section('Worker memory at its peak RSS (`sluice worker` process)', memoryTable(workers), MEMORY_NOTE);
  return `${out.join('\n')}\n`;
}

export function writeResults(file: string, r: BenchResults): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}
