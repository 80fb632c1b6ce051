import { describe, expect, it } from 'vitest';
import { eventTimeOf, getParser, parseEventTime } from '../../src/transforms';

function iso(value: unknown): string | undefined {
  return parseEventTime(value)?.toISOString();
}

describe('parseEventTime: epoch values', () => {
  it('reads epoch seconds, whole and fractional, truncating to milliseconds', () => {
    expect(iso(1547188415)).toBe('2019-01-11T06:33:35.000Z');
    expect(iso(1547188415.857497)).toBe('2019-01-11T06:33:35.857Z');
    expect(iso(1521158401.123456)).toBe('2018-03-16T00:00:01.123Z');
    expect(iso(1.5e9)).toBe('2017-07-14T02:40:00.000Z');
    expect(iso(1500000000.001)).toBe('2017-07-14T02:40:00.001Z');
    expect(iso(1600000000.999999)).toBe('2020-09-13T12:26:40.999Z');
  });

  it('reads numeric strings as epoch seconds', () => {
    expect(iso('1521158401.123456')).toBe('2018-03-16T00:00:01.123Z');
    expect(iso('1521158401')).toBe('2018-03-16T00:00:01.000Z');
    expect(iso('1521158401.5')).toBe('2018-03-16T00:00:01.500Z');
    expect(iso(' 1521158401 ')).toBe('2018-03-16T00:00:01.000Z');
  });

  it('reads values above 1e11 as epoch milliseconds', () => {
    expect(iso(1521158401123)).toBe('2018-03-16T00:00:01.123Z');
    expect(iso(1521158401123.9)).toBe('2018-03-16T00:00:01.123Z');
    expect(iso('1521158401123')).toBe('2018-03-16T00:00:01.123Z');
  });
});

describe('parseEventTime: ISO-8601', () => {
  it('reads UTC times with Z', () => {
    expect(iso('2014-03-06T17:10:34Z')).toBe('2014-03-06T17:10:34.000Z');
    expect(iso('2021-06-09T20:55:13.160328Z')).toBe('2021-06-09T20:55:13.160Z');
  });

  it('applies offsets written ±hh:mm, ±hhmm and ±hh', () => {
    expect(iso('2018-07-05T19:01:09.820262+02:00')).toBe('2018-07-05T17:01:09.820Z');
    expect(iso('2018-07-05T19:01:09.820262+0200')).toBe('2018-07-05T17:01:09.820Z');
    expect(iso('2018-07-05T15:01:09.820360-0400')).toBe('2018-07-05T19:01:09.820Z');
    expect(iso('2018-07-05T19:01:09+02')).toBe('2018-07-05T17:01:09.000Z');
    expect(iso('2020-12-09T16:02:43.000505+0000')).toBe('2020-12-09T16:02:43.000Z');
    expect(iso('2024-01-01T05:00:00+05:30')).toBe('2023-12-31T23:30:00.000Z');
  });

  it('truncates fractional seconds of any length to milliseconds', () => {
    expect(iso('2024-01-02T03:04:05.6Z')).toBe('2024-01-02T03:04:05.600Z');
    expect(iso('2024-01-02T03:04:05.67Z')).toBe('2024-01-02T03:04:05.670Z');
    expect(iso('2024-01-02T03:04:05.678Z')).toBe('2024-01-02T03:04:05.678Z');
    expect(iso('2024-01-02T03:04:05.999999999Z')).toBe('2024-01-02T03:04:05.999Z');
    expect(iso('2024-01-02T03:04:05,5Z')).toBe('2024-01-02T03:04:05.500Z');
  });

  it('reads a time without zone as UTC and accepts a space separator', () => {
    expect(iso('2017-02-27T17:54:31')).toBe('2017-02-27T17:54:31.000Z');
    expect(iso('2017-02-27 17:54:31.25')).toBe('2017-02-27T17:54:31.250Z');
  });

  it('accepts Date objects', () => {
    expect(iso(new Date('2020-01-01T00:00:00Z'))).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('parseEventTime: rejects', () => {
  it('years before 1990 and after 2100', () => {
    expect(iso('1990-01-01T00:00:00Z')).toBe('1990-01-01T00:00:00.000Z');
    expect(iso('1989-12-31T23:59:59Z')).toBeUndefined();
    expect(iso('2100-12-31T23:59:59Z')).toBe('2100-12-31T23:59:59.000Z');
    expect(iso('2101-01-01T00:00:00Z')).toBeUndefined();
    expect(iso(631152000)).toBe('1990-01-01T00:00:00.000Z');
    expect(iso(631151999)).toBeUndefined();
    expect(iso(4133980800)).toBeUndefined();
    expect(iso(0)).toBeUndefined();
    expect(iso(-1)).toBeUndefined();
    expect(iso('0')).toBeUndefined();
    // An offset can push a time across the boundary.
    expect(iso('1990-01-01T01:00:00+02:00')).toBeUndefined();
  });

  it('impossible calendar and clock values', () => {
    expect(iso('2021-02-29T00:00:00Z')).toBeUndefined();
    expect(iso('2021-02-30T00:00:00Z')).toBeUndefined();
    expect(iso('2021-13-01T00:00:00Z')).toBeUndefined();
    expect(iso('2021-00-10T00:00:00Z')).toBeUndefined();
    expect(iso('2021-01-01T24:00:00Z')).toBeUndefined();
    expect(iso('2021-01-01T12:60:00Z')).toBeUndefined();
    expect(iso('2021-01-01T12:00:00+25:00')).toBeUndefined();
    expect(iso('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('text that is not a time, and non-time types', () => {
    for (const value of ['', 'yesterday', '12:34:56', '2024-01-02', '20131102T010628Z', '1.2.3', '2024-01-02T03:04Z']) {
      expect(iso(value)).toBeUndefined();
    }
    for (const value of [null, undefined, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, new Date('x')]) {
      expect(iso(value)).toBeUndefined();
    }
  });
});

describe('eventTimeOf', () => {
  it("uses the parser's own field first", () => {
    const record = { timestamp: '2018-07-05T15:01:09.820360-0400', time: '2000-01-01T00:00:00Z' };
    expect(eventTimeOf(getParser('suricata'), record)?.toISOString()).toBe('2018-07-05T19:01:09.820Z');
    const trail = { eventTime: '2014-07-16T15:49:27Z', timestamp: '2000-01-01T00:00:00Z' };
    expect(eventTimeOf(getParser('cloudtrail'), trail)?.toISOString()).toBe('2014-07-16T15:49:27.000Z');
  });

  it('reads both forms of zeek ts', () => {
    expect(eventTimeOf(getParser('zeek'), { ts: 1547188415.857497 })?.toISOString()).toBe('2019-01-11T06:33:35.857Z');
    expect(eventTimeOf(getParser('zeek'), { ts: '2021-06-09T20:55:13.160328Z' })?.toISOString()).toBe(
      '2021-06-09T20:55:13.160Z',
    );
  });

  it('falls back to common fields, in order, when the own field is missing or unreadable', () => {
    const zeek = getParser('zeek');
    expect(eventTimeOf(zeek, { ts: 'n/a', '@timestamp': '2022-05-06T07:08:09Z' })?.toISOString()).toBe(
      '2022-05-06T07:08:09.000Z',
    );
    const json = getParser('json');
    expect(eventTimeOf(json, { time: 1.5e9 })?.toISOString()).toBe('2017-07-14T02:40:00.000Z');
    expect(eventTimeOf(json, { time: 1.5e9, eventTime: '2014-07-16T15:49:27Z' })?.toISOString()).toBe(
      '2014-07-16T15:49:27.000Z',
    );
  });

  it('is undefined when no field holds a readable time', () => {
    expect(eventTimeOf(getParser('json'), {})).toBeUndefined();
    expect(eventTimeOf(getParser('zeek'), { ts: 0, time: 'later', when: '2020-01-01T00:00:00Z' })).toBeUndefined();
  });
});
