import { describe, expect, it } from 'vitest';
import { ChunkBuilder } from '../../src/activities/split/chunk-builder';
import type { IngestTotals } from '../../src/contracts/ingest';
import { normalize } from '../../src/transforms/envelope';
import { getParser } from '../../src/transforms/parsers';
import { summarize } from '../../src/workflows/summary';

describe('ChunkBuilder', () => {
  it('cuts at the byte target or the record cap, whichever first, keeping blank lines as bare newlines', () => {
    const b = new ChunkBuilder({ targetBytes: 1000, maxRecords: 3 });
    b.addEmpty(1); // before any record: costs nothing
    b.addRecord(Buffer.from('{"a":1}'), 2);
    b.addEmpty(3);
    b.addRecord(Buffer.from('{"a":2}'), 4);
    b.addRecord(Buffer.from('{"a":3}'), 5);
    b.addRecord(Buffer.from('{"a":4}'), 6);
    b.cut();
    expect(b.ready.map((c) => ({ ...c, body: c.body.toString() }))).toEqual([
      { index: 0, body: '{"a":1}\n\n{"a":2}\n{"a":3}\n', firstLine: 2, lastLine: 5, records: 3, headerLines: 0 },
      { index: 1, body: '{"a":4}\n', firstLine: 6, lastLine: 6, records: 1, headerLines: 0 },
    ]);
  });

  it('a run of blank lines after a record is cut by bytes and never makes a chunk of its own', () => {
    const b = new ChunkBuilder({ targetBytes: 64, maxRecords: 100 });
    b.addRecord(Buffer.from('{}'), 1);
    for (let i = 2; i < 10_000; i++) b.addEmpty(i);
    b.cut();
    expect(b.ready).toHaveLength(1);
    expect(b.ready[0]?.body.length).toBe(64);
    expect(b.count).toBe(1);
  });
});

describe('ChunkBuilder with a format header (Zeek TSV, VPC flow)', () => {
  it('starts every chunk with the header in force and keeps header lines of the file as lines, not records', () => {
    let header = [Buffer.from('#fields\ta')];
    const b = new ChunkBuilder({ targetBytes: 1000, maxRecords: 2 }, () => header);
    b.addHeader(Buffer.from('#fields\ta'), 1);
    b.addRecord(Buffer.from('1'), 2);
    b.addRecord(Buffer.from('2'), 3);
    header = [Buffer.from('#fields\tb')];
    b.addHeader(Buffer.from('#fields\tb'), 4);
    b.addRecord(Buffer.from('3'), 5);
    b.cut();
    expect(b.ready.map((c) => ({ ...c, body: c.body.toString() }))).toEqual([
      { index: 0, body: '#fields\ta\n#fields\ta\n1\n2\n', firstLine: 1, lastLine: 3, records: 2, headerLines: 1 },
      { index: 1, body: '#fields\tb\n#fields\tb\n3\n', firstLine: 4, lastLine: 5, records: 1, headerLines: 1 },
    ]);
  });
});

describe('event-time window (bounded fan-out)', () => {
  const base = {
    parser: getParser('zeek'),
    tenant: 't',
    fileId: 'f',
    source: { bucket: 'b', key: 'k', etag: 'e', chunk: 0, line: 1 },
    fileTime: new Date('2026-11-25T10:00:00Z'),
    ingestTime: new Date('2026-11-25T10:05:00Z'),
    eventTimeWindow: { maxAge: 7 * 86_400_000, maxAhead: 86_400_000 },
  };

  it('keeps an event time inside the window as the partition time', () => {
    const e = normalize({ ...base, record: { ts: Date.parse('2026-11-20T00:00:00Z') / 1000 } });
    expect(e.event_time).toBe('2026-11-20T00:00:00.000Z');
    expect(e.partition_time).toBeUndefined();
    expect(e.event_time_out_of_range).toBeUndefined();
  });

  it("partitions a far-off event time by the file's time, flagged, keeping the record's own time", () => {
    for (const t of ['1990-01-01T00:00:00Z', '2100-06-01T00:00:00Z', '2026-11-27T00:00:00Z']) {
      const e = normalize({ ...base, record: { ts: Date.parse(t) / 1000 } });
      expect(e.event_time).toBe(new Date(t).toISOString());
      expect(e.partition_time).toBe('2026-11-25T10:00:00.000Z');
      expect(e.event_time_out_of_range).toBe(true);
    }
  });
});

describe('how a file ends', () => {
  const progress = (p: Partial<IngestTotals>) =>
    ({
      records: 0,
      parsed: 0,
      quarantined: 0,
      blank: 0,
      rejected: { s3: 0, snowflake: 0, opensearch: 0 },
      ...p,
    }) as IngestTotals;

  it('Completed below the alert ratio, MostlyQuarantined above it or with nothing parsed', () => {
    expect(summarize(progress({ records: 10, parsed: 6, quarantined: 4 }), 'Completed', 0.5)).toEqual({
      status: 'Completed',
      summary: '10 record(s): 6 parsed, 4 quarantined',
    });
    expect(summarize(progress({ records: 10, parsed: 4, quarantined: 6, blank: 2 }), 'Completed', 0.5)).toEqual({
      status: 'MostlyQuarantined',
      summary:
        '60 % of the records were quarantined, over the alert ratio of 50 % (SLUICE_QUARANTINE_ALERT_RATIO); 10 record(s): 4 parsed, 6 quarantined, 2 blank line(s) skipped',
    });
    expect(summarize(progress({ records: 3, parsed: 0, quarantined: 3 }), 'Completed', 1).status).toBe(
      'MostlyQuarantined',
    );
    expect(summarize(progress({ records: 0, blank: 5 }), 'Completed', 0.5)).toEqual({
      status: 'Completed',
      summary: 'the file held no records, 5 blank line(s) skipped',
    });
  });
});
