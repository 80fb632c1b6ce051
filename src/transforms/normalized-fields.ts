import { normalizeIpv4, normalizeIpv6 } from './ip-address';
import type { NormalizedFields, Parser } from './parsers/types';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v4 = IPV4.exec(value);
  if (v4 !== null) return normalizeIpv4(v4[1], v4[2], v4[3], v4[4]);
  return value.includes(':') ? normalizeIpv6(value) : undefined;
}

function text(value: string | undefined): string | undefined {
  // Keyword columns: a runaway value is cut, never allowed to fail a row.
  return value === undefined ? undefined : value.slice(0, 1024);
}

/**
 * The parser's normalized fields, checked to be what the sinks' typed columns accept: an address that is not one
 * (Suricata's redacted `x.x.250.50`) is left out rather than rejected by the `ip` mapping; only present fields are kept.
 */
export function normalizedFieldsOf(parser: Pick<Parser, 'fields'>, record: Record<string, unknown>): NormalizedFields {
  const f = parser.fields?.(record);
  if (f === undefined) return {};
  const out: NormalizedFields = {
    src_ip: ip(f.src_ip),
    src_port: f.src_port,
    dst_ip: ip(f.dst_ip),
    dst_port: f.dst_port,
    user: text(f.user),
    action: text(f.action),
    outcome: text(f.outcome),
    cloud_account: text(f.cloud_account),
    cloud_region: text(f.cloud_region),
    ocsf_class: f.ocsf_class,
    ocsf_class_uid: f.ocsf_class_uid,
  };
  for (const k of Object.keys(out) as (keyof NormalizedFields)[]) if (out[k] === undefined) delete out[k];
  return out;
}
