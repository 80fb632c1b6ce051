import { describe, expect, it } from 'vitest';
import { getParser, normalize, rowId, type SourceRef } from '../../src/transforms';

const source: SourceRef = { bucket: 'raw-logs', key: 'zeek/conn.ndjson.gz', etag: '"abc123"', chunk: 2, line: 7 };
const fileTime = new Date('2024-01-02T03:04:05.678Z');
const ingestTime = new Date('2024-05-06T07:08:09.010Z');

describe('rowId', () => {
  it('is the first 32 hex chars of sha256(fileId + "\\n" + line)', () => {
    // printf 'file-1\n7' | sha256sum
    expect(rowId('file-1', 7)).toBe('8df49fb80e19ea99e422a798f77eb8b9');
    // printf 's3://b/k#etag\n1' | sha256sum
    expect(rowId('s3://b/k#etag', 1)).toBe('807e3a631b3476ad8d0ded750bad33b0');
  });

  it('changes with the line and the file, not otherwise', () => {
    expect(rowId('file-1', 7)).toBe(rowId('file-1', 7));
    expect(rowId('file-1', 8)).not.toBe(rowId('file-1', 7));
    expect(rowId('file-2', 7)).not.toBe(rowId('file-1', 7));
    // The separator keeps ("a1", 1) and ("a", 11) apart.
    expect(rowId('a1', 1)).not.toBe(rowId('a', 11));
  });
});

describe('normalize', () => {
  it('carries the normalized fields, leaving out an address that is not one', () => {
    const base = { tenant: 't', fileId: 'f', source, fileTime, ingestTime };
    const alert = {
      timestamp: '2017-04-07T22:24:37.251547+0100',
      event_type: 'alert',
      src_ip: 'x.x.250.50',
      src_port: 53,
      dest_ip: '2001:0db8:0000:0000:0000:0000:0000:0001',
      dest_port: 23242,
      alert: { action: 'blocked' },
    };
    expect(normalize({ ...base, record: alert, parser: getParser('suricata') }).fields).toEqual({
      src_port: 53,
      dst_ip: '2001:db8::1',
      dst_port: 23242,
      action: 'blocked',
      ocsf_class: 'Detection Finding',
      ocsf_class_uid: 2004,
    });
    expect(normalize({ ...base, record: { a: 1 }, parser: getParser('json') }).fields).toEqual({});
  });

  it('builds the envelope with the event time from the record', () => {
    const record = {
      ts: 1547188415.857497,
      uid: 'CAcJw21BbVedgFnYH3',
      'id.orig_h': '192.168.86.167',
      'id.resp_h': '89.160.20.156',
    };
    const snapshot = structuredClone(record);
    const envelope = normalize({
      record,
      parser: getParser('zeek'),
      tenant: 'acme',
      fileId: 'file-1',
      source,
      fileTime,
      ingestTime,
    });
    expect(envelope).toEqual({
      row_id: '8df49fb80e19ea99e422a798f77eb8b9',
      tenant: 'acme',
      log_type: 'zeek',
      event_time: '2019-01-11T06:33:35.857Z',
      event_time_source: 'record',
      ingest_time: '2024-05-06T07:08:09.010Z',
      source,
      indicators: { ips: ['192.168.86.167', '89.160.20.156'], domains: [], md5: [], sha1: [], sha256: [], emails: [] },
      fields: { src_ip: '192.168.86.167', dst_ip: '89.160.20.156' },
      event: snapshot,
    });
    // The original record is passed through, not copied or altered; the source ref is a copy.
    expect(envelope.event).toBe(record);
    expect(record).toEqual(snapshot);
    expect(envelope.source).not.toBe(source);
  });

  it('falls back to the file time when the record has none', () => {
    const envelope = normalize({
      record: { message: 'no time here' },
      parser: getParser('json'),
      tenant: 't',
      fileId: 'f',
      source,
      fileTime,
      ingestTime,
    });
    expect(envelope.event_time).toBe('2024-01-02T03:04:05.678Z');
    expect(envelope.event_time_source).toBe('file');
  });

  it('falls back to the file time when the record time is out of range', () => {
    const envelope = normalize({
      record: { eventTime: '1970-01-01T00:00:00Z' },
      parser: getParser('cloudtrail'),
      tenant: 't',
      fileId: 'f',
      source,
      fileTime,
      ingestTime,
    });
    expect(envelope).toMatchObject({
      event_time: '2024-01-02T03:04:05.678Z',
      event_time_source: 'file',
      log_type: 'cloudtrail',
    });
  });

  it('rejects invalid dates clearly', () => {
    const base = { record: {}, parser: getParser('json'), tenant: 't', fileId: 'f', source, fileTime, ingestTime };
    expect(() => normalize({ ...base, fileTime: new Date('nope') })).toThrow('fileTime is not a valid date');
    expect(() => normalize({ ...base, ingestTime: new Date(Number.NaN) })).toThrow('ingestTime is not a valid date');
  });
});
