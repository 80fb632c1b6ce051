import { describe, expect, it } from 'vitest';
import { createReader, getParser } from '../../../src/transforms';
import { fixture, readText, timeOf } from './read-fixture';

describe('Zeek TSV', () => {
  it('types every column of conn.log by #types and leaves unset fields out', () => {
    const { records, errors, headers } = readText('zeek', fixture('zeek-conn.log'));
    expect(errors).toEqual([]);
    expect(headers).toBe(9);
    expect(records).toHaveLength(4);
    expect(records[0]).toEqual({
      _path: 'conn',
      ts: 1600272959.305988,
      uid: 'CzEaJQ2BqWCm2Kv6x1',
      'id.orig_h': '192.168.4.76',
      'id.orig_p': 36844,
      'id.resp_h': '192.168.4.1',
      'id.resp_p': 53,
      proto: 'udp',
      service: 'dns',
      duration: 0.066852,
      orig_bytes: 62,
      resp_bytes: 141,
      conn_state: 'SF',
      missed_bytes: 0,
      history: 'Dd',
      orig_pkts: 2,
      orig_ip_bytes: 118,
      resp_pkts: 2,
      resp_ip_bytes: 197,
    });
    // (empty) is an empty set; a set splits on #set_separator.
    expect(records[1].tunnel_parents).toEqual([]);
    expect(records[3].tunnel_parents).toEqual(['Cabc1', 'Cdef2']);
    expect(records[2]).not.toHaveProperty('service');
    expect(timeOf('zeek', records[0])).toBe('2020-09-16T16:15:59.305Z');
  });

  it('reads vector[string] and vector[interval] in dns.log, and booleans', () => {
    const { records, errors } = readText('zeek', fixture('zeek-dns.log'));
    expect(errors).toEqual([]);
    expect(records.map((r) => r.answers)).toEqual([
      undefined,
      ['31.3.245.133'],
      ['www.example.com.cdn.example.net', '93.184.216.34'],
    ]);
    expect(records[2].TTLs).toEqual([300, 60]);
    expect(records[1]).toMatchObject({ AA: false, RD: true, rejected: false, qtype_name: 'A', trans_id: 19671 });
  });

  it('reads set[addr] in files.log', () => {
    const { records } = readText('zeek', fixture('zeek-files.log'));
    expect(records[0]).toMatchObject({ tx_hosts: ['31.3.245.133'], analyzers: ['MD5', 'SHA1'], is_orig: false });
    expect(records[0]).not.toHaveProperty('sha256');
  });

  it('honours a non-tab #separator and \\x escapes inside values', () => {
    const { records, errors } = readText('zeek', fixture('zeek-weird-pipe.log'));
    expect(errors).toEqual([]);
    expect(records).toEqual([
      {
        _path: 'weird',
        ts: 1600272961.5,
        'id.orig_h': '10.0.0.5',
        name: 'bad_TCP_checksum',
        addl: 'tab\tand|pipe',
        notice: false,
        peer: 'zeek',
      },
    ]);
  });

  it('rejects a row that does not fit the header, naming the field', () => {
    const reader = createReader(getParser('zeek'));
    for (const h of ['#separator \\x09', '#fields\tts\tn', '#types\ttime\tcount']) reader.read(Buffer.from(h));
    expect(reader.read(Buffer.from('1.5\tx'))).toEqual({
      kind: 'error',
      reason: 'field n (count): "x" is not a count',
    });
    expect(reader.read(Buffer.from('1.5'))).toEqual({
      kind: 'error',
      reason: 'Zeek TSV row has 1 values, #fields names 2',
    });
    expect(reader.read(Buffer.from('1.5\t7'))).toEqual({ kind: 'record', record: { ts: 1.5, n: 7 } });
  });

  it('replays the header in force, so a chunk cut mid-file still types its rows', () => {
    const whole = createReader(getParser('zeek'));
    const lines = fixture('zeek-conn.log').split('\n');
    for (const line of lines.slice(0, 10)) whole.read(Buffer.from(line));
    const chunk = createReader(getParser('zeek'));
    for (const h of whole.headerLines()) expect(chunk.read(h)).toEqual({ kind: 'header' });
    expect(chunk.read(Buffer.from(lines[10]))).toMatchObject({
      kind: 'record',
      record: { 'id.resp_p': 67, duration: 0.16382 },
    });
    expect(whole.headerLines().map(String)).toEqual(lines.slice(0, 5).concat(lines.slice(6, 8)));
  });

  it('still reads Zeek JSON lines', () => {
    const { records } = readText('zeek', '{"ts":1547188415.857497,"uid":"C1","id.orig_h":"10.0.0.1"}');
    expect(records).toEqual([{ ts: 1547188415.857497, uid: 'C1', 'id.orig_h': '10.0.0.1' }]);
    expect(readText('zeek', 'hello world').errors[0].reason).toBe(
      'neither Zeek JSON nor a Zeek TSV row after a #fields header',
    );
  });
});
