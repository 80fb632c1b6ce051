import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type DemoKind, generateEvents, writeNdjson } from '../../src/demo/generate';
import { eventTimeOf, extractIndicators, getParser } from '../../src/transforms';

const KINDS: DemoKind[] = ['zeek', 'suricata', 'cloudtrail'];
const BASE = Date.parse('2024-03-01T00:00:00.000Z');

function records(kind: DemoKind, count: number, seed = 1): Record<string, unknown>[] {
  const parser = getParser(kind);
  return [...generateEvents(kind, count, seed)].map((line) => {
    const result = parser.parse(Buffer.from(line));
    if (!result.ok) throw new Error(`${kind}: ${result.reason}: ${line}`);
    return result.record;
  });
}

describe('generateEvents', () => {
  it('is deterministic per seed', () => {
    for (const kind of KINDS) {
      const first = [...generateEvents(kind, 200, 42)];
      expect([...generateEvents(kind, 200, 42)]).toEqual(first);
      expect([...generateEvents(kind, 200, 43)]).not.toEqual(first);
      // The default seed is 1.
      expect([...generateEvents(kind, 20)]).toEqual([...generateEvents(kind, 20, 1)]);
    }
  });

  it('yields exactly count single-line JSON objects', () => {
    for (const kind of KINDS) {
      const lines = [...generateEvents(kind, 300)];
      expect(lines).toHaveLength(300);
      expect(lines.some((l) => l.includes('\n'))).toBe(false);
      expect([...generateEvents(kind, 0)]).toEqual([]);
    }
  });

  it('gives every event a readable, non-decreasing event time from the base time', () => {
    for (const kind of KINDS) {
      const parser = getParser(kind);
      let previous = BASE - 4 * 3600_000;
      for (const record of records(kind, 500)) {
        const time = eventTimeOf(parser, record);
        expect(time, JSON.stringify(record)).toBeDefined();
        const ms = time?.getTime() ?? 0;
        // CloudTrail keeps whole seconds, so allow ties; nothing may move backwards or before the base time.
        expect(ms).toBeGreaterThanOrEqual(Math.max(previous, BASE - 1000));
        previous = ms;
      }
    }
  });

  it('gives every event at least one IP indicator', () => {
    for (const kind of KINDS) {
      for (const record of records(kind, 300)) expect(extractIndicators(record).ips.length).toBeGreaterThan(0);
    }
  });

  it('zeek: conn records with both ts forms and some IPv6', () => {
    const all = records('zeek', 500);
    expect(all.some((r) => typeof r.ts === 'number')).toBe(true);
    expect(all.some((r) => typeof r.ts === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(r.ts))).toBe(
      true,
    );
    expect(all.some((r) => String(r['id.orig_h']).includes(':'))).toBe(true);
    expect(new Set(all.map((r) => r.uid)).size).toBe(500);
    for (const r of all) {
      expect(r.uid).toMatch(/^C[0-9A-Za-z]{17}$/);
      expect(Object.keys(r).slice(0, 7)).toEqual([
        'ts',
        'uid',
        'id.orig_h',
        'id.orig_p',
        'id.resp_h',
        'id.resp_p',
        'proto',
      ]);
    }
  });

  it('suricata: EVE shapes, offsets without colon, file hashes, domains', () => {
    const all = records('suricata', 600);
    expect(new Set(all.map((r) => r.event_type))).toEqual(
      new Set(['alert', 'http', 'dns', 'tls', 'fileinfo', 'flow', 'ssh']),
    );
    for (const r of all) expect(r.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}$/);
    const files = all.filter((r) => r.event_type === 'fileinfo');
    expect(files.length).toBeGreaterThan(0);
    for (const r of files) {
      const info = r.fileinfo as { md5: string; sha1: string; sha256: string };
      expect(extractIndicators(r)).toMatchObject({ md5: [info.md5], sha1: [info.sha1], sha256: [info.sha256] });
    }
    const dns = all.find((r) => r.event_type === 'dns') as { dns: { rrname: string } };
    expect(extractIndicators(dns).domains).toContain(dns.dns.rrname);
    // TLS events carry an 8-byte colon-hex serial and a fingerprint: neither may read as an IPv6 address.
    for (const tls of all.filter((r) => r.event_type === 'tls') as {
      src_ip: string;
      dest_ip: string;
      tls: { sni: string };
    }[]) {
      expect(extractIndicators(tls)).toMatchObject({ ips: [tls.src_ip, tls.dest_ip].sort(), domains: [tls.tls.sni] });
    }
    // Suricata writes IPv6 in full; indicators hold the compressed form.
    const v6 = all.find((r) => String(r.src_ip).includes(':'));
    expect(v6?.src_ip).toMatch(/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
    expect(extractIndicators(v6).ips.every((ip) => !ip.includes(':0000:'))).toBe(true);
  });

  it('cloudtrail: ConsoleLogin, AssumeRole and GetObject with identity and source address', () => {
    const all = records('cloudtrail', 300);
    expect(new Set(all.map((r) => r.eventName))).toEqual(new Set(['ConsoleLogin', 'AssumeRole', 'GetObject']));
    for (const r of all) {
      expect(r.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect((r.userIdentity as { arn: string }).arn).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
      expect(typeof r.userAgent).toBe('string');
      const found = extractIndicators(r);
      expect(found.ips.length).toBe(1);
      expect(found.domains).toContain(r.eventSource);
    }
    expect(all.some((r) => String(r.sourceIPAddress).includes(':'))).toBe(true);
  });

  it('rejects an unknown kind', () => {
    expect(() => [...generateEvents('syslog' as DemoKind, 1)]).toThrow('unknown demo kind "syslog"');
  });
});

describe('writeNdjson', () => {
  it('writes every line with a newline, waiting for drain on a slow stream', async () => {
    const lines = [...generateEvents('suricata', 2000)];
    const chunks: string[] = [];
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        setImmediate(callback);
      },
    });
    const drains: number[] = [];
    slow.on('drain', () => drains.push(slow.writableLength));
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
    }, 0);
    await writeNdjson(lines, slow);
    clearInterval(sampler);
    expect(chunks.join('')).toBe(`${lines.join('\n')}\n`);
    expect(drains.length).toBeGreaterThan(0);
    // Backpressure honoured: never more than one chunk (about 64 KiB) queued on top of the buffer.
    expect(maxBuffered).toBeLessThan(200 * 1024);
    expect(slow.listenerCount('error')).toBe(0);
    expect(slow.writableEnded).toBe(false);
  });

  it('writes nothing but resolves for no lines', async () => {
    const out = new PassThrough();
    await writeNdjson([], out);
    out.end();
    expect(out.read()).toBeNull();
  });

  it('rejects when the stream fails', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(writeNdjson(generateEvents('zeek', 5000), failing)).rejects.toThrow('disk full');
  });

  it('rejects when the stream is destroyed while full', async () => {
    const stuck = new Writable({
      highWaterMark: 16,
      write() {
        // Never calls back: the buffer only fills.
      },
    });
    setTimeout(() => stuck.destroy(), 20);
    await expect(writeNdjson(generateEvents('zeek', 5000), stuck)).rejects.toThrow();
  });
});
