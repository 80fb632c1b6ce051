import { gzipSync } from 'node:zlib';
import { cloudtrailEvent } from './cloudtrail-events';
import { DOMAINS, privateIpv4, publicIpv4, USER_AGENTS, uuid } from './fake-values';
import { Prng } from './prng';
import { zeekConnEvent } from './zeek-events';

/**
 * Whole demo files in the formats security teams receive them, each with its own shape and header:
 * CloudTrail as S3 delivers it, Zeek TSV, VPC flow logs, ALB, syslog, Okta and GuardDuty. Ingested with
 * `--log-type auto`, so the demo also shows format detection.
 */
export interface FormatFile {
  name: string;
  /** What the file should be recognised as. */
  logType: string;
  records: number;
  body: Buffer;
}

const START = Date.parse('2024-03-01T00:00:00.000Z');
const ZEEK_FIELDS: [string, string][] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['proto', 'enum'],
  ['service', 'string'],
  ['duration', 'interval'],
  ['orig_bytes', 'count'],
  ['resp_bytes', 'count'],
  ['conn_state', 'string'],
  ['local_orig', 'bool'],
  ['local_resp', 'bool'],
  ['missed_bytes', 'count'],
  ['history', 'string'],
  ['orig_pkts', 'count'],
  ['orig_ip_bytes', 'count'],
  ['resp_pkts', 'count'],
  ['resp_ip_bytes', 'count'],
  ['tunnel_parents', 'set[string]'],
];

function tsvValue(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (Array.isArray(value)) return value.length ? value.join(',') : '(empty)';
  return String(value);
}

function zeekTsv(count: number, rng: Prng): Buffer {
  const lines = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2024-03-01-00-00-00',
    `#fields\t${ZEEK_FIELDS.map(([f]) => f).join('\t')}`,
    `#types\t${ZEEK_FIELDS.map(([, t]) => t).join('\t')}`,
  ];
  for (let i = 0; i < count; i++) {
    const micros = (START + i * 1000) * 1000;
    const e = { ...zeekConnEvent(rng, micros), ts: (micros / 1e6).toFixed(6) };
    lines.push(ZEEK_FIELDS.map(([f]) => tsvValue((e as Record<string, unknown>)[f])).join('\t'));
  }
  lines.push('#close\t2024-03-01-01-00-00');
  return Buffer.from(`${lines.join('\n')}\n`);
}

function cloudtrailDocument(count: number, rng: Prng): Buffer {
  const records = Array.from({ length: count }, (_, i) => cloudtrailEvent(rng, (START + i * 1500) * 1000));
  // Pretty-printed, as some exports write it; S3 delivery is the same document on one line.
  return gzipSync(JSON.stringify({ Records: records }, null, 2));
}

function vpcFlow(count: number, rng: Prng): Buffer {
  const lines = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  ];
  for (let i = 0; i < count; i++) {
    const start = Math.floor(START / 1000) + i * 10;
    if (rng.chance(0.03)) {
      lines.push(`2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - ${start} ${start + 60} - NODATA`);
      continue;
    }
    const packets = rng.int(1, 200);
    lines.push(
      [
        2,
        '123456789012',
        'eni-0a1b2c3d4e5f60718',
        privateIpv4(rng),
        publicIpv4(rng),
        rng.int(1024, 65535),
        rng.pick([443, 80, 53, 22]),
        6,
        packets,
        packets * rng.int(60, 1500),
        start,
        start + 60,
        rng.chance(0.9) ? 'ACCEPT' : 'REJECT',
        'OK',
      ].join(' '),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function alb(count: number, rng: Prng): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = new Date(START + i * 700).toISOString().replace('Z', '000Z');
    const host = rng.pick(DOMAINS);
    const status = rng.pick([200, 200, 200, 301, 404, 502]);
    lines.push(
      `https ${time} app/demo-lb/50dc6c495c0c9188 ${publicIpv4(rng)}:${rng.int(1024, 65535)} ${privateIpv4(rng)}:8080 0.001 0.0${rng.int(10, 99)} 0.000 ${status} ${status} ${rng.int(100, 900)} ${rng.int(200, 90000)} "GET https://${host}:443/api/items/${rng.int(1, 999)} HTTP/1.1" "${rng.pick(USER_AGENTS)}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo/73e2d6bc24d8a067 "Root=1-${rng.chars('0123456789abcdef', 8)}-${rng.chars('0123456789abcdef', 24)}" "${host}" "-" 0 ${time} "forward" "-" "-" "10.0.1.20:8080" "${status}" "-" "-"`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function syslog(count: number, rng: Prng): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = new Date(START + i * 900).toISOString();
    const user = rng.pick(['ops', 'deploy', 'root', 'alice']);
    const ip = publicIpv4(rng);
    lines.push(
      rng.chance(0.5)
        ? `<38>1 ${time} bastion-1.example.com sshd ${rng.int(100, 9999)} - - ${rng.chance(0.7) ? 'Accepted publickey' : 'Failed password'} for ${user} from ${ip} port ${rng.int(1024, 65535)} ssh2`
        : `<86>${new Date(START + i * 900).toUTCString().slice(8, 11)} ${String(new Date(START + i * 900).getUTCDate()).padStart(2, ' ')} ${time.slice(11, 19)} gateway sudo: ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function okta(count: number, rng: Prng): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const ok = rng.chance(0.85);
    const user = `${rng.pick(['alice', 'bob', 'carol', 'dave'])}@example.com`;
    const ip = publicIpv4(rng);
    lines.push(
      JSON.stringify({
        actor: {
          id: `00u${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`,
          type: 'User',
          alternateId: user,
          displayName: user.split('@')[0],
        },
        client: {
          userAgent: { rawUserAgent: rng.pick(USER_AGENTS), os: 'Mac OS X', browser: 'CHROME' },
          zone: 'null',
          device: 'Computer',
          ipAddress: ip,
        },
        displayMessage: ok ? 'User login to Okta' : 'User login to Okta failed',
        eventType: 'user.session.start',
        outcome: { result: ok ? 'SUCCESS' : 'FAILURE', reason: ok ? null : 'INVALID_CREDENTIALS' },
        published: new Date(START + i * 3000).toISOString(),
        severity: ok ? 'INFO' : 'WARN',
        uuid: uuid(rng),
        version: '0',
        request: { ipChain: [{ ip, version: 'V4' }] },
      }),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function guardduty(count: number, rng: Prng): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const remote = publicIpv4(rng);
    const seen = new Date(START + i * 60_000).toISOString();
    lines.push(
      JSON.stringify({
        schemaVersion: '2.0',
        accountId: '123456789012',
        region: 'us-east-1',
        partition: 'aws',
        id: rng.chars('0123456789abcdef', 32),
        type: rng.pick(['UnauthorizedAccess:EC2/SSHBruteForce', 'Recon:EC2/PortProbeUnprotectedPort']),
        resource: {
          resourceType: 'Instance',
          instanceDetails: { instanceId: `i-${rng.chars('0123456789abcdef', 17)}` },
        },
        service: {
          serviceName: 'guardduty',
          action: {
            actionType: 'NETWORK_CONNECTION',
            networkConnectionAction: {
              connectionDirection: 'INBOUND',
              remoteIpDetails: { ipAddressV4: remote },
              remotePortDetails: { port: rng.int(1024, 65535) },
              localPortDetails: { port: 22 },
              localIpDetails: { ipAddressV4: privateIpv4(rng) },
              protocol: 'TCP',
              blocked: false,
            },
          },
          count: rng.int(1, 50),
          eventFirstSeen: seen,
          eventLastSeen: seen,
        },
        severity: rng.pick([2, 5, 8]),
        createdAt: seen,
        updatedAt: seen,
        title: `${remote} is probing an EC2 instance.`,
      }),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** One file of each format, `count` records each (same seed, same bytes). */
export function formatFiles(count: number, seed = 7): FormatFile[] {
  const rng = new Prng(seed);
  return [
    {
      name: 'cloudtrail-s3-delivery.json.gz',
      logType: 'cloudtrail',
      records: count,
      body: cloudtrailDocument(count, rng),
    },
    { name: 'zeek-conn.log', logType: 'zeek', records: count, body: zeekTsv(count, rng) },
    { name: 'vpc-flow.log', logType: 'vpcflow', records: count, body: vpcFlow(count, rng) },
    { name: 'alb-access.log', logType: 'alb', records: count, body: alb(count, rng) },
    { name: 'syslog.log', logType: 'syslog', records: count, body: syslog(count, rng) },
    { name: 'okta-system-log.ndjson', logType: 'okta', records: count, body: okta(count, rng) },
    { name: 'guardduty-findings.ndjson', logType: 'guardduty', records: count, body: guardduty(count, rng) },
  ];
}
