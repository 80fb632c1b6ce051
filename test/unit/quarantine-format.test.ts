import { describe, expect, it } from 'vitest';
import { quarantine } from '../../src/activities/layout';
import type { FileRef } from '../../src/contracts/ingest';
import {
  auditEntry,
  decodeObject,
  encodeEntries,
  encodeEntry,
  QUARANTINE_FORMAT_VERSION,
  recordBytes,
  recordEntry,
  rejectedSinkOf,
} from '../../src/quarantine/format';

const file: FileRef = { bucket: 'landing', key: 'a/b.ndjson', etag: 'e1', tenant: 'acme', logType: 'zeek' };

describe('quarantine format', () => {
  it('writes versioned record entries and reads back the exact bytes, text or not', () => {
    const text = recordEntry(
      file,
      'f1',
      { stage: 'process', chunk: 0, line: 3, bytes: 5 },
      'invalid JSON',
      Buffer.from('{"a":'),
    );
    const binary = Buffer.from([0xff, 0xfe, 0x41]);
    const raw = recordEntry(file, 'f1', { stage: 'process', chunk: 0, line: 4, bytes: 3 }, 'invalid UTF-8', binary);
    const key = quarantine.chunkRecords('acme', 'f1', 0);
    const object = decodeObject(key, encodeEntries([text, raw]));
    expect(object.kind).toBe('records');
    if (object.kind !== 'records') return;
    expect(object.entries.map((e) => [e.v, e.line, e.source, e.reason])).toEqual([
      [QUARANTINE_FORMAT_VERSION, 3, 's3://landing/a/b.ndjson', 'invalid JSON'],
      [QUARANTINE_FORMAT_VERSION, 4, 's3://landing/a/b.ndjson', 'invalid UTF-8'],
    ]);
    expect(object.entries.map((e) => recordBytes(e))).toEqual([Buffer.from('{"a":'), binary]);
  });

  it('keeps a truncated over-long record out of replay', () => {
    const e = recordEntry(file, 'f1', { stage: 'split', line: 9, bytes: 10_000 }, 'too long', Buffer.from('x'), true);
    const object = decodeObject(quarantine.oversize('acme', 'f1', 9), encodeEntry(e));
    expect(object.kind === 'records' && recordBytes(object.entries[0] as never)).toBeUndefined();
  });

  it('reads entries written before the version field as version 1, and refuses a newer format', () => {
    const key = quarantine.chunkRecords('acme', 'f1', 1);
    const legacy = decodeObject(key, `${JSON.stringify({ line: 1, record: 'x', reason: 'r' })}\n`);
    expect(legacy.kind === 'records' && legacy.entries[0]?.v).toBe(1);
    expect(() => decodeObject(key, `${JSON.stringify({ v: 99, line: 1 })}\n`)).toThrow(
      'quarantine entry of format version 99; this Sluice reads up to 1',
    );
  });

  it('tells objects apart by key: sink rejects (known sinks only), dropped chunks, audit', () => {
    expect(rejectedSinkOf(quarantine.sinkRejects('acme', 'f1', 'opensearch', 2))).toBe('opensearch');
    expect(rejectedSinkOf('records/acme/f1/rejected-nosuchsink-chunk-000002.ndjson')).toBeUndefined();
    expect(decodeObject(quarantine.droppedChunk('acme', 'f1', 0), 'a\nb\n')).toEqual({
      kind: 'dropped',
      lines: ['a', 'b'],
    });
    const decision = {
      kind: 'drop' as const,
      awaitingId: 1,
      stage: 'split' as const,
      chunks: [],
      by: 'al',
      reason: 'cut',
      at: '2026-01-01T00:00:00.000Z',
    };
    const audit = auditEntry(file, 'f1', decision, {
      records: 0,
      error: 'truncated gzip',
      keptAt: ['s3://landing/a/b.ndjson'],
    });
    const object = decodeObject(quarantine.audit('acme', 'f1', 'at', 'drop-1'), encodeEntry(audit));
    expect(object).toEqual({ kind: 'audit', entry: audit });
    expect(audit).toMatchObject({ v: 1, kind: 'drop', who: 'al', why: 'cut', what: { file_id: 'f1', stage: 'split' } });
  });
});
