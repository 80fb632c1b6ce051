import { describe, expect, it } from 'vitest';
import { fixture, readText, timeOf } from './read-fixture';

describe('syslog', () => {
  it('reads the RFC 5424 examples, structured data included, offsets honoured', () => {
    const { records, errors } = readText('syslog', fixture('syslog-rfc5424.log'));
    expect(errors).toEqual([]);
    expect(records[0]).toEqual({
      facility: 4,
      severity: 2,
      syslog_format: 'rfc5424',
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      app_name: 'su',
      procid: null,
      msgid: 'ID47',
      structured_data: null,
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(records[2].structured_data).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    });
    expect(records[3]).toMatchObject({
      message: null,
      structured_data: { 'examplePriority@32473': { class: 'high' } },
    });
    expect(timeOf('syslog', records[1])).toBe('2003-08-24T12:14:15.000Z');
  });

  it('reads RFC 3164 lines, with and without <PRI>, the year from the file', () => {
    const { records, errors } = readText('syslog', fixture('syslog-rfc3164.log'));
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ facility: 4, severity: 2, hostname: 'mymachine', app_name: 'su', procid: null });
    expect(records[2]).toMatchObject({
      app_name: 'sshd',
      procid: '4242',
      message: expect.stringContaining('198.51.100.23'),
    });
    expect(records[3]).toMatchObject({ hostname: 'gateway', app_name: 'kernel' });
    expect(records[3]).not.toHaveProperty('facility');
    const fileTime = new Date('2026-01-02T00:10:00Z');
    expect(timeOf('syslog', records[0], fileTime)).toBe('2025-10-11T22:14:15.000Z');
    expect(timeOf('syslog', records[3], fileTime)).toBe('2025-12-31T23:59:59.000Z');
    expect(timeOf('syslog', records[1], new Date('2026-03-01T00:00:00Z'))).toBe('2026-02-05T17:32:18.000Z');
  });

  it('says when a line is not syslog', () => {
    expect(readText('syslog', 'hello').errors[0].reason).toBe('neither an RFC 5424 nor an RFC 3164 syslog line');
    expect(readText('syslog', '<999>1 x').errors[0].reason).toBe('syslog PRI 999 is over 191');
  });
});
