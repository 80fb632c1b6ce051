import { describe, expect, it } from 'vitest';
import { duration, landedRecords, ProgressReporter, progressLine, RateWindow, stateKey } from '../../src/cli/progress';
import type { FileStatus } from '../../src/client/ingest-client';
import type { IngestStatus } from '../../src/contracts/ingest';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');

function status(over: Partial<IngestStatus> = {}, rest: Partial<FileStatus> = {}): FileStatus {
  const progress: IngestStatus = {
    fileId: 'f',
    file: { bucket: 'b', key: 'k', etag: 'e', tenant: 't', logType: 'zeek', size: 5 * 1024 * 1024 },
    status: 'Running',
    stage: 'process',
    source: 's3://b/k',
    chunksTotal: 40,
    chunksDone: 10,
    chunksInFlight: [10, 11, 12],
    records: 100_000,
    parsed: 30_000,
    quarantined: 100,
    written: { s3: 29_000, snowflake: 24_900, opensearch: 27_000 },
    rejected: { s3: 0, snowflake: 0, opensearch: 0 },
    bytes: 0,
    compressedBytes: 0,
    gzip: false,
    warnings: [],
    awaiting: [],
    decisions: [],
    dropped: [],
    reminders: 0,
    running: [],
    runs: 1,
    startedAt: new Date(T0).toISOString(),
    ...over,
  };
  return { workflowId: 'wf', runId: 'r', execution: 'RUNNING', waiting: [], link: 'l', progress, ...rest };
}

describe('progress line', () => {
  it('counts a record landed when the slowest sink has it (or it was quarantined)', () => {
    expect(landedRecords(status().progress as IngestStatus)).toBe(25_000);
  });

  it('the rate follows a trailing window', () => {
    const r = new RateWindow(10_000);
    r.add(T0, 0);
    expect(r.perSecond()).toBeUndefined();
    r.add(T0 + 5_000, 50_000); // a burst
    r.add(T0 + 15_000, 60_000);
    r.add(T0 + 25_000, 70_000);
    expect(r.perSecond()).toBe(1000);
  });

  it('shows chunks, records, rate and ETA while running', () => {
    expect(progressLine(status(), 2500, T0 + 65_000)).toBe(
      'chunks 10/40 (3 in flight) · records 25,000/100,000 (25%) · 2,500 rec/s · ETA 30s · 1m05s',
    );
    expect(progressLine(status({ stage: 'split' }), undefined, T0 + 3_000)).toBe('splitting 5.0 MiB (3s)');
    expect(duration(3_725_000)).toBe('1h02m');
  });

  it('says what the file waits on: a stage retrying, or a decision (and then no ETA)', () => {
    const retrying = status(
      {},
      { waiting: [{ stage: 'opensearch', since: '2026-11-25T10:00:30.000Z', attempt: 4, activities: 2 }] },
    );
    expect(progressLine(retrying, 0, T0 + 60_000)).toBe(
      'chunks 10/40 (3 in flight) · records 25,000/100,000 (25%) · 0 rec/s · 1m00s · waiting on opensearch since 10:00:30Z (attempt 4)',
    );
    const parked = status({
      status: 'AwaitingDecision',
      awaiting: [
        {
          id: 1,
          stage: 'snowflake',
          chunks: [3],
          records: 2500,
          errorType: 'X',
          error: 'y',
          since: '2026-11-25T10:00:40.000Z',
        },
      ],
    });
    expect(progressLine(parked, 100, T0 + 60_000)).toBe(
      'chunks 10/40 (3 in flight) · records 25,000/100,000 (25%) · 100 rec/s · 1m00s · AWAITING DECISION on snowflake since 2026-11-25T10:00:40.000Z (sluice show / approve / drop)',
    );
    expect(stateKey(parked)).not.toBe(stateKey(status()));
  });

  it('a closed file shows its outcome', () => {
    const done = status(
      {
        stage: 'done',
        status: 'Completed',
        chunksDone: 40,
        parsed: 100_000,
        quarantined: 0,
        written: { s3: 100_000, snowflake: 100_000, opensearch: 100_000 },
        durationMs: 42_000,
      },
      { execution: 'COMPLETED' },
    );
    expect(progressLine(done, undefined, T0)).toBe('completed: 100,000 of 100,000 records landed, 40 chunks in 42s');
  });
});

describe('progress reporter', () => {
  it('on a terminal rewrites one line in place, cut to the width, and ends it with a newline', () => {
    let out = '';
    const r = new ProgressReporter((t) => (out += t), { tty: true, columns: 30, plainIntervalMs: 0 });
    r.update('chunks 1/4', 'a', 0);
    r.update('chunks 2/4 and a rather long tail that does not fit', 'a', 1);
    r.finish();
    expect(out).toBe('\rchunks 1/4\x1b[K\rchunks 2/4 and a rather long…\x1b[K\n');
  });

  it('elsewhere prints plain lines: on a change of state, or at the interval, never a carriage return', () => {
    let out = '';
    const r = new ProgressReporter((t) => (out += t), { tty: false, plainIntervalMs: 10_000, prefix: '[1/2] ' });
    r.update('chunks 1/4', 'running', 0);
    r.update('chunks 2/4', 'running', 5_000); // within the interval, same state: quiet
    r.update('chunks 2/4 waiting', 'waiting', 6_000); // state changed: printed
    r.update('chunks 3/4 waiting', 'waiting', 16_000); // interval passed: printed
    r.update('chunks 3/4 waiting', 'waiting', 30_000); // nothing new: quiet
    r.finish();
    expect(out).toBe('[1/2] chunks 1/4\n[1/2] chunks 2/4 waiting\n[1/2] chunks 3/4 waiting\n');
  });
});
