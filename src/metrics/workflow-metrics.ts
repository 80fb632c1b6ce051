import { metricMeter } from '@temporalio/workflow';
import type { FileRef, SinkName, SplitResult, Stage } from '../contracts/ingest';
import { M } from './names';

/**
 * The pipeline's counts and delays, emitted by the workflow when it accepts a result. The SDK drops emissions
 * during replay, so a record is counted once however often an activity was retried or a worker replayed the
 * history. Labels are bounded: stage, sink, status; tenant and log type only when the file was started with
 * metric labels on (SLUICE_METRICS_TENANT_LABELS); never a file name or id.
 */
export class PipelineMetrics {
  private readonly meter;

  constructor(file: FileRef, tenantLabels: boolean | undefined) {
    this.meter = tenantLabels ? metricMeter.withTags({ tenant: file.tenant, log_type: file.logType }) : metricMeter;
  }

  /** Adds zeros too: a series that exists from the first file reads 0 in rate() and on a graph, not "no data". */
  private count(name: string, n: number, tags: Record<string, string> = {}, doc = ''): void {
    this.meter.createCounter(name, '', doc).add(Math.max(0, n), tags);
  }

  split(s: SplitResult): void {
    this.count(M.recordsRead, s.records, {}, 'Records read from landing files');
    this.count(M.recordsQuarantined, s.quarantined, { stage: 'split' }, 'Records sent to quarantine');
    this.count(M.bytesRead, s.bytes, {}, 'Uncompressed bytes read from landing files');
    this.count(M.chunksSplit, s.chunkCount, {}, 'Chunks files were split into');
  }

  processed(p: { parsed: number; quarantined: number }): void {
    this.count(M.recordsParsed, p.parsed, {}, 'Records parsed and normalized');
    this.count(M.recordsQuarantined, p.quarantined, { stage: 'process' }, 'Records sent to quarantine');
  }

  written(sink: SinkName, written: number, rejected: number): void {
    this.count(M.recordsWritten, written, { sink }, 'Records a sink acknowledged');
    this.count(M.recordsRejected, rejected, { sink }, 'Records a sink rejected, isolated by bisection and quarantined');
    this.count(M.bisections, rejected > 0 ? 1 : 0, { sink }, 'Chunks bisected to isolate rejected records');
  }

  chunkDone(): void {
    this.count(M.chunksCompleted, 1, {}, 'Chunks done in every sink (or dropped by a person)');
  }

  /** Time a piece of work spent in a stage, retries and waits for a person included. */
  stage(stage: Stage, since: string): void {
    this.meter
      .createHistogram(M.stageSeconds, 'float', 's', 'Time one piece of work took in a stage, retries included')
      .record(Math.max(0, Date.now() - Date.parse(since)) / 1000, { stage });
  }

  parked(stage: Stage, errorType: string): void {
    this.count(M.parked, 1, { stage, error_type: errorType }, 'Work that started waiting for an approve/drop');
  }

  /** A file is finished: its delay is from arrival in the landing bucket (Last-Modified) to every sink done. */
  finished(status: string, fileTime: string | undefined): void {
    this.count(M.filesFinished, 1, { status }, 'Files finished, by outcome');
    // A mostly quarantined file still landed what parsed: its delay counts.
    if (status === 'Dropped' || !fileTime) return;
    this.meter
      .createHistogram(M.fileDelay, 'float', 's', 'Arrival in the landing bucket to every sink acknowledged')
      .record(Math.max(0, Date.now() - Date.parse(fileTime)) / 1000);
  }
}
