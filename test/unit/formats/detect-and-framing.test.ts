import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/transforms/detect';
import { FormatMismatchError, openFraming } from '../../../src/transforms/framing';
import { fixture } from './read-fixture';

async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(lines: AsyncIterable<Buffer>): Promise<string[]> {
  const out: Buffer[] = [];
  for await (const b of lines) out.push(b);
  return Buffer.concat(out)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

const where = { uri: 's3://landing/f', key: 'f' };

describe('format detection', () => {
  it.each([
    ['zeek-conn.log', 'zeek', 'Zeek TSV (#separator header)'],
    ['vpc-flow-default.log', 'vpcflow', 'VPC flow logs (field-name header line)'],
    ['vpc-flow-custom.log', 'vpcflow', 'VPC flow logs (field-name header line)'],
    ['alb.log', 'alb', 'ALB access log text'],
    ['syslog-rfc5424.log', 'syslog', 'syslog (RFC 5424)'],
    ['syslog-rfc3164.log', 'syslog', 'syslog (RFC 3164)'],
    ['okta.ndjson', 'okta', 'Okta System Log JSON (published, eventType, actor)'],
    ['guardduty.ndjson', 'guardduty', 'GuardDuty findings JSON'],
    ['suricata-eve.ndjson', 'suricata', 'Suricata EVE JSON (event_type field)'],
    ['cloudtrail-records.json', 'cloudtrail', 'a CloudTrail S3 delivery file ({"Records": [...]})'],
    ['cloudtrail-digest.json', 'cloudtrail', 'a CloudTrail digest file (no events)'],
  ])('recognises %s as %s', (name, logType, looksLike) => {
    expect(detectFormat(Buffer.from(fixture(name)))).toMatchObject({ logType, looksLike });
  });

  it('recognises one-per-line CloudTrail and Zeek JSON, and nothing in plain prose', () => {
    expect(detectFormat(Buffer.from('{"eventVersion":"1.08","eventSource":"s3.amazonaws.com"}\n'))?.logType).toBe(
      'cloudtrail',
    );
    expect(detectFormat(Buffer.from('{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1"}\n'))?.logType).toBe('zeek');
    expect(detectFormat(Buffer.from('{"a":1}\n'))?.logType).toBe('json');
    expect(detectFormat(Buffer.from('hello there\n'))).toBeUndefined();
  });
});

describe('openFraming', () => {
  it('streams a gzip, pretty-printed CloudTrail Records document into one line per event', async () => {
    const gz = gzipSync(Buffer.from(fixture('cloudtrail-records.json')));
    // Tiny pieces: events and even tokens straddle reads.
    const source = Readable.from(pieces(gz, 7)).pipe(createGunzip());
    const framing = await openFraming(source, 'auto', where);
    expect(framing.logType).toBe('cloudtrail');
    const lines = await collect(framing.lines);
    expect(lines.map((l) => (JSON.parse(l) as { eventName: string }).eventName)).toEqual([
      'StartInstances',
      'CreateUser',
      'DescribeInstances',
    ]);
  });

  it('reads the Records document the same when asked for cloudtrail explicitly, and refuses a broken one', async () => {
    const framing = await openFraming(
      pieces(Buffer.from(fixture('cloudtrail-records.json')), 100),
      'cloudtrail',
      where,
    );
    expect(await collect(framing.lines)).toHaveLength(3);
    const broken = await openFraming(pieces(Buffer.from('{"Records":[{"a":1},{"b":'), 5), 'cloudtrail', where);
    await expect(collect(broken.lines)).rejects.toThrow(/^not a well-formed CloudTrail Records document/);
  });

  it('skips a CloudTrail digest file with a counted reason', async () => {
    const framing = await openFraming(pieces(Buffer.from(fixture('cloudtrail-digest.json')), 64), 'auto', {
      uri: 's3://b/AWSLogs/1/CloudTrail-Digest/x.json.gz',
      key: 'AWSLogs/1/CloudTrail-Digest/x.json.gz',
    });
    expect(framing.skip?.reason).toBe('cloudtrail-digest');
    expect(await collect(framing.lines)).toEqual([]);
  });

  it('stops a file whose explicit log type does not fit, naming what it looks like', async () => {
    await expect(openFraming(pieces(Buffer.from(fixture('zeek-conn.log')), 50), 'json', where)).rejects.toThrow(
      new FormatMismatchError(
        's3://landing/f does not read as JSON lines (--log-type json): its first 13 record(s) fail, the first with "invalid JSON: Unexpected token \'#\', "#separator \\x09" is not valid JSON"; looks like Zeek TSV (#separator header); ingest with --log-type zeek',
      ),
    );
    await expect(
      openFraming(pieces(Buffer.from(fixture('vpc-flow-default.log')), 50), 'suricata', where),
    ).rejects.toThrow(/looks like VPC flow logs \(field-name header line\); ingest with --log-type vpcflow$/);
    await expect(
      openFraming(pieces(Buffer.from(fixture('cloudtrail-records.json')), 50), 'zeek', where),
    ).rejects.toThrow(/ingest with --log-type cloudtrail$/);
  });

  it('lets a good file with a few bad records through (they are quarantined later)', async () => {
    const text = `not json\n${fixture('okta.ndjson')}`;
    const framing = await openFraming(pieces(Buffer.from(text), 50), 'okta', where);
    expect(await collect(framing.lines)).toHaveLength(3);
  });

  it('refuses under auto what it cannot recognise', async () => {
    await expect(openFraming(pieces(Buffer.from('hello there\n'), 50), 'auto', where)).rejects.toThrow(
      's3://landing/f: could not recognise the format from its first 12 bytes; ingest with an explicit --log-type',
    );
  });
});
