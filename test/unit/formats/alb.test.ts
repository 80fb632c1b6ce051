import { describe, expect, it } from 'vitest';
import { getParser } from '../../../src/transforms';
import { fixture, readText, timeOf } from './read-fixture';

describe('ALB access logs', () => {
  it('reads every documented entry, quoted fields whole', () => {
    const { records, errors } = readText('alb', fixture('alb.log'));
    expect(errors).toEqual([]);
    expect(records).toHaveLength(5);
    expect(records[1]).toMatchObject({
      type: 'https',
      elb: 'app/my-loadbalancer/50dc6c495c0c9188',
      client_ip: '192.168.131.39',
      client_port: 2817,
      target_ip: '10.0.0.1',
      target_port: 80,
      request_processing_time: 0.086,
      elb_status_code: 200,
      request: 'GET https://www.example.com:443/ HTTP/1.1',
      request_method: 'GET',
      request_url: 'https://www.example.com:443/',
      user_agent: 'curl/7.46.0',
      ssl_protocol: 'TLSv1.2',
      domain_name: 'www.example.com',
      actions_executed: 'authenticate,forward',
      target_port_list: '10.0.0.1:80',
    });
    expect(records[2]).toMatchObject({ type: 'h2', redirect_url: 'https://example.com:80/' });
    expect(records[4]).toMatchObject({ target_ip: null, target_status_code: null, actions_executed: 'fixed-response' });
    expect(timeOf('alb', records[0])).toBe('2018-07-02T22:23:00.186Z');
  });

  it('keeps fields AWS appends later, and refuses what is not ALB', () => {
    // The documented examples end at classification_reason; conn_trace_id came later, and later still is unknown.
    const line = `${fixture('alb.log').split('\n')[0]} TID_1 "future"`;
    expect(readText('alb', line).records[0]).toMatchObject({
      classification: null,
      conn_trace_id: 'TID_1',
      extra_fields: ['future'],
    });
    expect(readText('alb', 'GET / HTTP/1.1').errors[0].reason).toBe(
      'not an ALB access log entry (3 fields, type "GET")',
    );
    expect(readText('alb', 'http 2018 "unterminated').errors[0].reason).toBe('unterminated quoted field');
  });

  it('fills the normalized fields', () => {
    const { records } = readText('alb', fixture('alb.log'));
    expect(getParser('alb').fields?.(records[0])).toEqual({
      src_ip: '192.168.131.39',
      src_port: 2817,
      dst_ip: '10.0.0.1',
      dst_port: 80,
      action: 'GET',
      outcome: '200',
      ocsf_class: 'HTTP Activity',
      ocsf_class_uid: 4002,
    });
  });
});
