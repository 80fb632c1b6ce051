import { jsonLinesParser, pick, port, str } from './json-line';

/**
 * GuardDuty findings, one per line: as exported to S3 (the Finding object) or as EventBridge delivers them
 * (`detail-type: GuardDuty Finding`, the finding under `detail`). Reads both.
 */
function finding(r: Record<string, unknown>): Record<string, unknown> {
  const detail = r.detail;
  return r['detail-type'] !== undefined && typeof detail === 'object' && detail !== null
    ? (detail as Record<string, unknown>)
    : r;
}

export const guarddutyParser = jsonLinesParser({
  logType: 'guardduty',
  title: 'GuardDuty finding JSON',
  // The activity's last sighting, else when the finding was updated; EventBridge's own `time` last.
  eventTimeFields: [
    'service.eventLastSeen',
    'updatedAt',
    'createdAt',
    'detail.service.eventLastSeen',
    'detail.updatedAt',
    'time',
  ],
  fields(r) {
    const f = finding(r);
    const action = pick(f, 'service.action') as Record<string, unknown> | undefined;
    const conn = action?.networkConnectionAction as Record<string, unknown> | undefined;
    const api = action?.awsApiCallAction as Record<string, unknown> | undefined;
    const direction = str(conn?.connectionDirection);
    const remoteIp =
      str(pick(conn ?? {}, 'remoteIpDetails.ipAddressV4')) ?? str(pick(api ?? {}, 'remoteIpDetails.ipAddressV4'));
    const localIp = str(pick(conn ?? {}, 'localIpDetails.ipAddressV4'));
    const inbound = direction === 'INBOUND';
    return {
      src_ip: inbound || api ? remoteIp : localIp,
      dst_ip: inbound ? localIp : conn ? remoteIp : undefined,
      src_port: port(pick(conn ?? {}, inbound ? 'remotePortDetails.port' : 'localPortDetails.port')),
      dst_port: port(pick(conn ?? {}, inbound ? 'localPortDetails.port' : 'remotePortDetails.port')),
      user: str(pick(f, 'resource.accessKeyDetails.userName')),
      action: str(f.type),
      cloud_account: str(f.accountId),
      cloud_region: str(f.region),
      ocsf_class: 'Detection Finding',
      ocsf_class_uid: 2004,
    };
  },
});
