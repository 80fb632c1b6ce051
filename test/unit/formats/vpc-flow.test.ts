import { describe, expect, it } from 'vitest';
import { getParser } from '../../../src/transforms';
import { fixture, readText, timeOf } from './read-fixture';

describe('VPC flow logs', () => {
  it('reads the default (v2) format under its header line, with `-` as null', () => {
    const { records, errors, headers } = readText('vpcflow', fixture('vpc-flow-default.log'));
    expect(errors).toEqual([]);
    expect(headers).toBe(1);
    expect(records).toHaveLength(6);
    expect(records[0]).toEqual({
      version: 2,
      'account-id': '123456789010',
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '172.31.16.139',
      dstaddr: '172.31.16.21',
      srcport: 20641,
      dstport: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: 'ACCEPT',
      'log-status': 'OK',
    });
    expect(timeOf('vpcflow', records[0])).toBe('2014-12-14T04:06:50.000Z');
  });

  it('keeps NODATA and SKIPDATA records and marks them', () => {
    const { records } = readText('vpcflow', fixture('vpc-flow-default.log'));
    expect(records[2]).toMatchObject({
      srcaddr: null,
      action: null,
      'log-status': 'NODATA',
      flow_record_kind: 'NODATA',
    });
    expect(records[3]).toMatchObject({ flow_record_kind: 'SKIPDATA', start: 1431280876 });
    expect(records[0]).not.toHaveProperty('flow_record_kind');
  });

  it('reads a custom format (v5 fields) in the order its header names', () => {
    const { records, errors } = readText('vpcflow', fixture('vpc-flow-custom.log'));
    expect(errors).toEqual([]);
    expect(records[1]).toMatchObject({
      'vpc-id': 'vpc-7d2a4b61',
      'pkt-dstaddr': '52.213.180.42',
      'tcp-flags': 3,
      'flow-direction': 'egress',
      'traffic-path': 8,
      'pkt-dst-aws-service': 'AMAZON',
      region: 'us-east-1',
    });
    expect(records[2]).toMatchObject({ srcaddr: null, 'log-status': 'NODATA', flow_record_kind: 'NODATA' });
  });

  it('reads default-format lines without a header, and says why a line does not fit', () => {
    expect(
      readText('vpcflow', '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK').records,
    ).toHaveLength(1);
    expect(readText('vpcflow', '2 1 eni-1 10.0.0.1').errors[0].reason).toBe(
      'VPC flow record has 4 fields; the default format has 14 and no header line names a custom one',
    );
    expect(readText('vpcflow', '2 1 eni-1 10.0.0.1 10.0.0.2 x 2 6 1 1 1 1 ACCEPT OK').errors[0].reason).toBe(
      'srcport "x" is not a number',
    );
  });

  it('fills the normalized fields', () => {
    const { records } = readText('vpcflow', fixture('vpc-flow-default.log'));
    expect(getParser('vpcflow').fields?.(records[1])).toMatchObject({
      src_ip: '172.31.9.69',
      dst_port: 3389,
      action: 'REJECT',
      cloud_account: '123456789010',
      ocsf_class: 'Network Activity',
    });
  });
});
