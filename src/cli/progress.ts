import type { FileStatus, IngestClient } from '../client/ingest-client';
import type { IngestTotals } from '../contracts/ingest';
import { grouped, humanBytes } from '../shared/ui-text';

/**
 * Records that are through: acknowledged by every sink (or rejected by it and quarantined), or quarantined before
 * any sink. The slowest sink decides, since a file is done only when every sink has it.
 */
export function landedRecords(p: IngestTotals): number {
  const perSink = Object.keys(p.written).map(
    (s) => p.written[s as keyof typeof p.written] + (p.rejected?.[s as keyof typeof p.rejected] ?? 0),
  );
  return Math.min(p.records, Math.min(...perSink) + p.quarantined);
}

/** Records per second over a trailing window, so the ETA follows the current pace, not the average since start. */
export class RateWindow {
  private readonly samples: { at: number; landed: number }[] = [];
  constructor(private readonly windowMs = 30_000) {}

  add(at: number, landed: number): void {
    this.samples.push({ at, landed });
    while (this.samples.length > 2 && at - (this.samples[1] as { at: number }).at >= this.windowMs)
      this.samples.shift();
  }

  /** Undefined until two samples at least a second apart exist. */
  perSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 1000) return undefined;
    return ((last.landed - first.landed) * 1000) / (last.at - first.at);
  }
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * One line: chunks, records landed, rate, ETA, and what the file waits on (a stage retrying, or a person's
 * decision). `now` is passed in so the line is a pure function of what was observed.
 */
export function progressLine(s: FileStatus, rate: number | undefined, now: number): string {
  const p = s.progress;
  if (s.execution !== 'RUNNING') {
    if (!p) return `${s.execution.toLowerCase()}`;
    const took = p.durationMs !== undefined ? ` in ${duration(p.durationMs)}` : '';
    return `${s.execution.toLowerCase()}: ${grouped(landedRecords(p))} of ${grouped(p.records)} records landed, ${grouped(p.chunksDone)} chunks${took}`;
  }
  if (!p) return 'starting (no worker has picked the file up yet)';
  if (!('running' in p)) return `${p.status.toLowerCase()}`;
  const elapsed = duration(now - Date.parse(p.startedAt));
  const parts: string[] = [];
  if (p.stage === 'split') parts.push(`splitting ${humanBytes(p.file.size ?? p.compressedBytes)} (${elapsed})`);
  else {
    const landed = landedRecords(p);
    const pct = p.records ? ` (${Math.floor((landed * 100) / p.records)}%)` : '';
    parts.push(
      `chunks ${grouped(p.chunksDone)}/${grouped(p.chunksTotal)}${p.chunksInFlight.length ? ` (${p.chunksInFlight.length} in flight)` : ''}`,
      `records ${grouped(landed)}/${grouped(p.records)}${pct}`,
    );
    if (rate !== undefined) parts.push(`${grouped(Math.round(rate))} rec/s`);
    const left = p.records - landed;
    if (rate && rate > 0 && left > 0 && !p.awaiting.length) parts.push(`ETA ${duration((left / rate) * 1000)}`);
    parts.push(elapsed);
  }
  for (const w of s.waiting) parts.push(`waiting on ${w.stage} since ${w.since.slice(11, 19)}Z (attempt ${w.attempt})`);
  if (p.awaiting.length) {
    const stages = [...new Set(p.awaiting.map((a) => a.stage))].join(', ');
    parts.push(`AWAITING DECISION on ${stages} since ${p.awaiting[0]?.since} (sluice show / approve / drop)`);
  }
  return parts.join(' · ');
}

export interface ReporterOptions {
  /** A terminal: one line rewritten in place. Otherwise: plain lines, for logs and pipes. */
  tty: boolean;
  columns?: number;
  /** Plain mode: the longest gap between two lines while nothing notable changes. */
  plainIntervalMs: number;
  prefix?: string;
}

/** Shows successive progress lines: in place on a terminal, as appended lines elsewhere (never a carriage return). */
export class ProgressReporter {
  private shown = false;
  private lastLine = '';
  private lastState = '';
  private lastPrintedAt = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly opts: ReporterOptions,
  ) {}

  update(line: string, state: string, now: number): void {
    const text = `${this.opts.prefix ?? ''}${line}`;
    if (this.opts.tty) {
      // A pseudo-terminal without a window size reports 0 columns.
      const width = Math.max(20, (this.opts.columns || 120) - 1);
      const fitted = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      // Carriage return, the line, then erase what a longer previous line left to the right.
      this.write(`\r${fitted}\x1b[K`);
      this.shown = true;
      return;
    }
    // Plain lines: when the kind of state changes (started, waiting, decided, finished), or at the interval.
    const due = now - this.lastPrintedAt >= this.opts.plainIntervalMs && text !== this.lastLine;
    if (state !== this.lastState || due) {
      this.write(`${text}\n`);
      this.lastLine = text;
      this.lastState = state;
      this.lastPrintedAt = now;
    }
  }

  /** Ends the live line so what follows starts on a fresh one. */
  finish(): void {
    if (this.opts.tty && this.shown) this.write('\n');
    this.shown = false;
  }

  /** A line of its own, after the live one. */
  note(text: string): void {
    this.finish();
    this.write(`${text}\n`);
  }
}

/** The coarse state whose change always deserves a plain line. */
export function stateKey(s: FileStatus): string {
  const p = s.progress;
  return [
    s.execution,
    p?.stage,
    p?.status,
    s.waiting.map((w) => w.stage).join(','),
    (p?.awaiting ?? []).map((a) => a.id).join(','),
  ].join('|');
}

/**
 * Polls a file until its workflow closes, reporting each observation. Returns the final status (a completed
 * file's summary, a failed one's failure). A status that cannot be read is retried at the next tick: a brief
 * server hiccup should not end a wait of hours.
 */
export async function watchProgress(
  ingest: IngestClient,
  workflowId: string,
  reporter: ProgressReporter,
  intervalMs: number,
  now: () => number = Date.now,
): Promise<FileStatus> {
  const rate = new RateWindow();
  // Ctrl-C stops the watching, not the ingest: say so, on a line of its own, and where to pick it up again.
  const onInterrupt = () => {
    reporter.note(`stopped watching; the ingest goes on (sluice status '${workflowId}' --watch)`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await poll(ingest, workflowId, reporter, intervalMs, now, rate);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function poll(
  ingest: IngestClient,
  workflowId: string,
  reporter: ProgressReporter,
  intervalMs: number,
  now: () => number,
  rate: RateWindow,
): Promise<FileStatus> {
  for (;;) {
    let status: FileStatus | undefined;
    try {
      status = await ingest.describe(workflowId);
    } catch (e) {
      if (/not found/i.test((e as Error).message)) throw e;
    }
    if (status) {
      const t = now();
      if (status.progress) rate.add(t, landedRecords(status.progress));
      reporter.update(progressLine(status, rate.perSecond(), t), stateKey(status), t);
      if (status.execution !== 'RUNNING') {
        reporter.finish();
        return status;
      }
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
