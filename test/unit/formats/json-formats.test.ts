import { describe, expect, it } from 'vitest';
import { getParser } from '../../../src/transforms';
import { fixture, readText, timeOf } from './read-fixture';

describe('Okta System Log', () => {
  it('times events by `published`, offsets honoured, and normalizes actor, client and outcome', () => {
    const { records, errors } = readText('okta', fixture('okta.ndjson'));
    expect(errors).toEqual([]);
    expect(records.map((r) => timeOf('okta', r))).toEqual(['2019-03-27T16:06:41.282Z', '2023-01-14T08:12:05.901Z']);
    expect(getParser('okta').fields?.(records[1])).toEqual({
      src_ip: '198.51.100.4',
      user: 'jane.roe@example.com',
      action: 'user.authentication.auth_via_mfa',
      outcome: 'FAILURE',
      ocsf_class: 'Authentication',
      ocsf_class_uid: 3002,
    });
  });
});

describe('GuardDuty findings', () => {
  it('reads exported findings and EventBridge events, timed by the last sighting', () => {
    const { records, errors } = readText('guardduty', fixture('guardduty.ndjson'));
    expect(errors).toEqual([]);
    expect(records.map((r) => timeOf('guardduty', r))).toEqual([
      '2017-10-31T23:16:23.000Z',
      '2024-02-01T10:14:09.512Z',
    ]);
    expect(getParser('guardduty').fields?.(records[1])).toMatchObject({
      src_ip: '198.51.100.77',
      src_port: 50122,
      dst_ip: '10.0.0.23',
      dst_port: 22,
      action: 'UnauthorizedAccess:EC2/SSHBruteForce',
      cloud_account: '123456789012',
      cloud_region: 'us-east-1',
      ocsf_class: 'Detection Finding',
    });
  });
});

describe('Suricata EVE', () => {
  it('reads every event type with its own offset time and OCSF class', () => {
    const { records, errors } = readText('suricata', fixture('suricata-eve.ndjson'));
    expect(errors).toEqual([]);
    expect(records.map((r) => r.event_type)).toEqual(['alert', 'dns', 'http', 'tls', 'flow', 'fileinfo']);
    expect(timeOf('suricata', records[0])).toBe('2017-04-07T21:24:37.251Z');
    const fields = records.map((r) => getParser('suricata').fields?.(r));
    expect(fields.map((f) => f?.ocsf_class)).toEqual([
      'Detection Finding',
      'DNS Activity',
      'HTTP Activity',
      'Network Activity',
      'Network Activity',
      undefined,
    ]);
    expect(fields[0]).toMatchObject({ src_ip: '192.168.2.14', dst_port: 80, action: 'allowed' });
  });
});

describe('CloudTrail, one event per line', () => {
  it('normalizes user, outcome, account and region; a service principal is not an IP', () => {
    const doc = JSON.parse(fixture('cloudtrail-records.json')) as { Records: Record<string, unknown>[] };
    const text = doc.Records.map((r) => JSON.stringify(r)).join('\n');
    const { records } = readText('cloudtrail', text);
    expect(records.map((r) => timeOf('cloudtrail', r))).toEqual([
      '2023-07-19T21:17:28.000Z',
      '2023-07-19T21:25:09.000Z',
      '2023-07-19T19:11:57.000Z',
    ]);
    const fields = getParser('cloudtrail').fields;
    expect(fields?.(records[0])).toEqual({
      src_ip: '192.0.2.0',
      user: 'Mateo',
      action: 'StartInstances',
      outcome: 'Success',
      cloud_account: '123456789012',
      cloud_region: 'us-east-1',
      ocsf_class: 'API Activity',
      ocsf_class_uid: 6003,
    });
    expect(fields?.(records[2])).toMatchObject({ src_ip: undefined, outcome: 'Failure: UnauthorizedOperation' });
  });
});
