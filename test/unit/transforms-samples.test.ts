import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Envelope, getParser, normalize } from '../../src/transforms';

// The real samples live beside the repository (/work/shared/samples next to /work/main).
const samplesDir = path.resolve(__dirname, '..', '..', '..', 'shared', 'samples');
const present = existsSync(samplesDir);
if (!present) console.warn('skipping: ../shared/samples not present');

const fileTime = new Date('2030-01-01T00:00:00.000Z');
const ingestTime = new Date('2030-01-02T00:00:00.000Z');

// Raw bytes per line, as the pipeline hands them to parsers (decoding is the parser's job).
function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
    lines.push(data.subarray(start, nl));
    start = nl + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

/** Every line of a sample through parse → normalize; fails on any line that does not parse. */
function ingest(file: string, logType: string): Envelope[] {
  const parser = getParser(logType);
  return splitLines(readFileSync(path.join(samplesDir, file))).map((line, i) => {
    const result = parser.parse(line);
    if (!result.ok) throw new Error(`${file}:${i + 1}: ${result.reason}`);
    const source = { bucket: 'samples', key: file, etag: 'e', chunk: 0, line: i + 1 };
    return normalize({ record: result.record, parser, tenant: 'demo', fileId: file, source, fileTime, ingestTime });
  });
}

describe.skipIf(!present)('real samples', () => {
  it('zeek conn: every line, both ts forms, addresses', () => {
    const rows = ingest('zeek-conn.ndjson', 'zeek');
    expect(rows).toHaveLength(18);
    expect(rows.every((r) => r.event_time_source === 'record')).toBe(true);
    // Line 1: "ts":1547188415.857497 (epoch float), 192.168.86.167 → 192.168.86.1.
    expect(rows[0].event_time).toBe('2019-01-11T06:33:35.857Z');
    expect(rows[0].event['id.orig_h']).toBe('192.168.86.167');
    expect(rows[0].indicators.ips).toEqual(['192.168.86.1', '192.168.86.167']);
    // Line 17: "ts":"2021-06-09T20:55:13.160328Z" (ISO string).
    expect(rows[16].event.uid).toBe('C2KP1V3alRLoxl4JB9');
    expect(rows[16].event_time).toBe('2021-06-09T20:55:13.160Z');
    expect(rows[16].indicators.ips).toEqual(['10.0.2.15', '172.16.9.68']);
    expect(rows[17].event_time).toBe('2024-06-13T12:14:37.013Z');
    expect(rows[8].indicators.ips).toContain('169.254.169.254');
    // Conn records carry no domains or hashes: nothing else may be invented from numbers or uids.
    for (const row of rows) {
      expect(row.indicators.ips).toContain(row.event['id.orig_h']);
      expect(row.indicators.ips).toContain(row.event['id.resp_h']);
      expect([...row.indicators.domains, ...row.indicators.md5, ...row.indicators.emails]).toEqual([]);
    }
    expect(new Set(rows.map((r) => r.row_id)).size).toBe(18);
  });

  it('suricata eve: offsets without a colon, hashes, IPv6, domains', () => {
    const rows = ingest('suricata-eve.ndjson', 'suricata');
    expect(rows).toHaveLength(11);
    // Line 1: "2018-07-05T15:01:09.820360-0400".
    expect(rows[0].event_time).toBe('2018-07-05T19:01:09.820Z');
    // Line 8: "2020-12-09T16:02:43.000505+0000".
    expect(rows[7].event_time).toBe('2020-12-09T16:02:43.000Z');
    const fileinfo = rows[3];
    expect(fileinfo.event.event_type).toBe('fileinfo');
    expect(fileinfo.indicators).toMatchObject({
      md5: ['427b7337ff37eeb24d74f47d8e04cf21'],
      sha1: ['313573490192c685e9e53abef25453ed0d5e2aee'],
      sha256: ['f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b'],
      domains: [],
    });
    expect(rows[1].indicators.domains).toEqual(['l2.io']);
    expect(rows[4].indicators).toMatchObject({
      ips: ['175.16.199.1', '192.168.86.1', '192.168.86.85'],
      domains: ['clients.l.google.com'],
    });
    // The certificate serial 5C:9C:E1:09:78:87:F8:07 must not pass for an IPv6 address.
    expect(rows[5].indicators).toMatchObject({
      ips: ['192.168.86.85', '89.160.20.112'],
      domains: ['icloud.com', 'p33-btmmdns.icloud.com'],
    });
    expect(rows[6].indicators.ips).toEqual(['fe80::fada:cff:fedc:87f1', 'ff02::1:2']);
    expect(rows[7].indicators.domains).toEqual(['ctldl.windowsupdate.com']);
    expect(rows[8].indicators).toMatchObject({
      domains: ['update.acme.com', 'www.digicert.com'],
      md5: ['adc06261ef82c2e4688b3cf08c1b2f24'],
    });
    expect(rows[9].indicators).toMatchObject({ ips: ['192.168.50.1'], domains: [] });
    expect(rows[10].indicators).toMatchObject({
      domains: ['www.example.com'],
      md5: ['44d502d471cfdb99c59bdfb0f220e5a8'],
    });
  });

  it('cloudtrail: event time, source address, AWS endpoints', () => {
    const rows = ingest('cloudtrail-console-login.ndjson', 'cloudtrail');
    expect(rows.map((r) => r.event_time)).toEqual([
      '2014-07-16T15:49:27.000Z',
      '2014-07-08T17:35:27.000Z',
      '2014-07-08T17:35:27.000Z',
    ]);
    for (const row of rows) {
      expect(row.event.sourceIPAddress).toBe('89.160.20.156');
      expect(row.indicators).toEqual({
        ips: ['89.160.20.156'],
        domains: ['console.aws.amazon.com', 'signin.amazonaws.com'],
        md5: [],
        sha1: [],
        sha256: [],
        emails: [],
      });
    }
    expect((rows[2].event.userIdentity as { arn: string }).arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
    );
  });
});
