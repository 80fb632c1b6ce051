import {
  DOMAINS,
  fileHashes,
  flowId,
  formatTimestamp,
  hexString,
  ipv6Groups,
  privateIpv4,
  publicIpv4,
  USER_AGENTS,
} from './fake-values';
import type { Prng } from './prng';

// Each sensor logs in its own local zone, as in the samples (`-0400`, `+0000`).
const SENSORS = [
  { iface: 'en0', offsetMinutes: -240 },
  { iface: 'eno6', offsetMinutes: 0 },
  { iface: 'eth1', offsetMinutes: 120 },
] as const;

const EVENT_TYPES = ['alert', 'http', 'dns', 'tls', 'fileinfo', 'flow', 'ssh'] as const;
type SuricataType = (typeof EVENT_TYPES)[number];

const SIGNATURES = [
  {
    signature_id: 2024833,
    signature: 'ET POLICY Observed IP Lookup Domain in TLS SNI',
    category: 'Potential Corporate Privacy Violation',
    severity: 1,
  },
  {
    signature_id: 2013028,
    signature: 'ET POLICY curl User-Agent Outbound',
    category: 'Attempted Information Leak',
    severity: 2,
  },
  {
    signature_id: 2027865,
    signature: 'ET INFO Observed DNS Query to .cloud TLD',
    category: 'Potentially Bad Traffic',
    severity: 2,
  },
];

const FILES = ['/downloads/setup.exe', '/ssdp/device-desc.xml', '/static/app.min.js', '/reports/q3.pdf'];

function colonHex(rng: Prng, bytes: number): string {
  return hexString(rng, bytes * 2).replace(/(..)(?!$)/g, '$1:');
}

function typeFields(type: SuricataType, rng: Prng, domain: string): Record<string, unknown> {
  const http = {
    hostname: domain,
    url: rng.pick(FILES),
    http_user_agent: rng.pick(USER_AGENTS),
    http_content_type: 'application/octet-stream',
    http_method: 'GET',
    protocol: 'HTTP/1.1',
    status: rng.pick([200, 200, 200, 304, 404]),
    length: rng.int(0, 200_000),
  };
  const tls = { sni: domain, version: 'TLS 1.2' };
  switch (type) {
    case 'alert':
      return { tx_id: 0, alert: { action: 'allowed', gid: 1, rev: 3, ...rng.pick(SIGNATURES) }, tls, app_proto: 'tls' };
    case 'http':
      return { tx_id: 0, http };
    case 'dns':
      return {
        dns: {
          type: 'answer',
          id: rng.int(1, 65535),
          rcode: 'NOERROR',
          rrname: domain,
          rrtype: 'A',
          ttl: rng.int(30, 3600),
          rdata: publicIpv4(rng),
        },
      };
    case 'tls':
      return {
        tls: {
          subject: `CN=${domain}`,
          issuerdn: 'C=US, O=Example Trust, CN=Example RSA CA 2024',
          serial: colonHex(rng, 8).toUpperCase(),
          fingerprint: colonHex(rng, 20),
          ...tls,
          notbefore: '2024-01-01T00:00:00',
          notafter: '2025-01-31T23:59:59',
          ja3: { hash: hexString(rng, 32), string: '771,4865-4866-4867-49195,0-23-65281-10-11,29-23-24,0' },
        },
      };
    case 'fileinfo': {
      const fileNumber = rng.int(1, 50);
      return {
        http,
        app_proto: 'http',
        fileinfo: {
          filename: http.url,
          gaps: false,
          state: 'CLOSED',
          ...fileHashes(fileNumber),
          stored: false,
          size: http.length,
          tx_id: 0,
        },
      };
    }
    case 'flow':
      return {
        app_proto: 'failed',
        flow: {
          pkts_toserver: rng.int(1, 9),
          pkts_toclient: 0,
          bytes_toserver: rng.int(60, 900),
          bytes_toclient: 0,
          age: 0,
          state: 'new',
          reason: 'timeout',
          alerted: false,
        },
      };
    case 'ssh':
      return {
        ssh: {
          client: { proto_version: '2.0', software_version: 'OpenSSH_9.6' },
          server: { proto_version: '2.0', software_version: 'libssh_0.10.5' },
        },
      };
  }
}

/** One Suricata EVE record, shaped like the real samples. */
export function suricataEvent(rng: Prng, micros: number): Record<string, unknown> {
  const sensor = rng.pick(SENSORS);
  const type = rng.pick(EVENT_TYPES);
  // Suricata writes IPv6 with all eight groups in full, leading zeros included.
  const ipv6 = type === 'flow' && rng.chance(0.5);
  const src = ipv6 ? ipv6Groups(rng).join(':') : privateIpv4(rng);
  const dest = ipv6 ? ipv6Groups(rng).join(':') : publicIpv4(rng);
  const destPort = { alert: 443, http: 80, dns: 53, tls: 443, fileinfo: 80, flow: 547, ssh: 22 }[type];
  return {
    timestamp: formatTimestamp(micros, sensor.offsetMinutes, 6, false),
    flow_id: flowId(rng),
    in_iface: sensor.iface,
    event_type: type,
    src_ip: src,
    src_port: rng.int(1024, 65535),
    dest_ip: dest,
    dest_port: destPort,
    proto: type === 'dns' || type === 'flow' ? 'UDP' : 'TCP',
    ...typeFields(type, rng, rng.pick(DOMAINS)),
  };
}
