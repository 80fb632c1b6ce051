import { jsonLinesParser, pick, port, str } from './json-line';
import type { NormalizedFields } from './types';

// EVE `event_type` → OCSF class; an alert is a detection, flows and netflow records are network activity.
const OCSF: Record<string, [string, number]> = {
  alert: ['Detection Finding', 2004],
  flow: ['Network Activity', 4001],
  netflow: ['Network Activity', 4001],
  dns: ['DNS Activity', 4003],
  http: ['HTTP Activity', 4002],
  tls: ['Network Activity', 4001],
};

export const suricataParser = jsonLinesParser({
  logType: 'suricata',
  title: 'Suricata EVE JSON',
  // `timestamp` like 2018-07-05T19:01:09.820262+0200 (the sensor's offset, honoured).
  eventTimeFields: ['timestamp'],
  fields(r): NormalizedFields {
    const type = str(r.event_type);
    const ocsf = type === undefined ? undefined : OCSF[type];
    return {
      src_ip: str(r.src_ip),
      src_port: port(r.src_port),
      dst_ip: str(r.dest_ip),
      dst_port: port(r.dest_port),
      action: str(pick(r, 'alert.action')),
      ocsf_class: ocsf?.[0],
      ocsf_class_uid: ocsf?.[1],
    };
  },
});
