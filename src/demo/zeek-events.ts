import { compactIpv6, formatTimestamp, ipv6Groups, privateIpv4, publicIpv4, zeekUid } from './fake-values';
import type { Prng } from './prng';

const SERVICES = [
  { proto: 'udp', service: 'dns', port: 53 },
  { proto: 'tcp', service: 'http', port: 80 },
  { proto: 'tcp', service: 'ssl', port: 443 },
  { proto: 'tcp', service: 'ssh', port: 22 },
  { proto: 'icmp', service: undefined, port: 0 },
] as const;

const STATES = [
  { conn_state: 'SF', history: 'ShADadFf' },
  { conn_state: 'SF', history: 'Dd' },
  { conn_state: 'S0', history: 'S' },
  { conn_state: 'REJ', history: 'Sr' },
  { conn_state: 'SHR', history: '^hCcdafA' },
  { conn_state: 'OTH', history: 'C' },
] as const;

/** One Zeek conn.log record in JSON form, shaped like the real samples. */
export function zeekConnEvent(rng: Prng, micros: number): Record<string, unknown> {
  const svc = rng.pick(SERVICES);
  const state = rng.pick(STATES);
  const ipv6 = rng.chance(0.1);
  const outbound = rng.chance(0.8);
  const inside = ipv6 ? compactIpv6(ipv6Groups(rng)) : privateIpv4(rng);
  const outside = ipv6 ? compactIpv6(ipv6Groups(rng)) : publicIpv4(rng);
  const origPkts = state.conn_state === 'OTH' ? 0 : rng.int(1, 40);
  const respPkts = state.conn_state === 'S0' || state.conn_state === 'REJ' ? 0 : rng.int(0, 60);
  const origBytes = origPkts === 0 ? 0 : rng.int(0, 4000);
  const respBytes = respPkts === 0 ? 0 : rng.int(0, 60_000);
  return {
    // Zeek writes epoch floats by default and ISO strings with `use_json_iso8601`; one file can hold both.
    ts: rng.chance(0.1) ? formatTimestamp(micros, 0, 6, true) : Number((micros / 1e6).toFixed(6)),
    uid: zeekUid(rng),
    'id.orig_h': outbound ? inside : outside,
    'id.orig_p': svc.proto === 'icmp' ? 8 : rng.int(1024, 65535),
    'id.resp_h': outbound ? outside : inside,
    'id.resp_p': svc.port,
    proto: svc.proto,
    ...(svc.service === undefined ? {} : { service: svc.service }),
    ...(state.conn_state === 'OTH' ? {} : { duration: rng.int(1, 5_000_000) / 1e6 }),
    orig_bytes: origBytes,
    resp_bytes: respBytes,
    conn_state: state.conn_state,
    local_orig: outbound,
    local_resp: !outbound,
    missed_bytes: 0,
    history: state.history,
    orig_pkts: origPkts,
    orig_ip_bytes: origBytes + origPkts * 28,
    resp_pkts: respPkts,
    resp_ip_bytes: respBytes + respPkts * 28,
    ...(rng.chance(0.5) ? { tunnel_parents: [] } : {}),
  };
}
