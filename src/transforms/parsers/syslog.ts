import { lineText } from './json-line';
import type { ParseResult, Parser } from './types';

/**
 * Syslog lines in either RFC 5424 (`<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg`) or
 * RFC 3164 / BSD (`<34>Oct 11 22:14:15 host tag[pid]: msg`), the `<PRI>` optional since files written by a
 * local daemon drop it.
 */
const PRI = /^<(\d{1,3})>/;
const RFC5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\](?:\[.*?\])*)(?: (.*))?$/s;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC3164 = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\S+) ?(.*)$/s;
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]]*)\])?: ?(.*)$/s;
const SD_ELEMENT = /\[([^\s\]=]+)((?:\s+[^\s=\]]+="(?:[^"\\]|\\.)*")*)\]/g;
const SD_PARAM = /([^\s=\]]+)="((?:[^"\\]|\\.)*)"/g;
const BOM = '\uFEFF';

function nil(value: string): string | null {
  return value === '-' ? null : value;
}

function structuredData(text: string): Record<string, Record<string, string>> | null {
  if (text === '-') return null;
  const out: Record<string, Record<string, string>> = {};
  for (const element of text.matchAll(SD_ELEMENT)) {
    const params: Record<string, string> = {};
    for (const p of element[2].matchAll(SD_PARAM)) params[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
    out[element[1]] = params;
  }
  return out;
}

function parseSyslog(line: Buffer): ParseResult {
  const raw = lineText(line);
  if (raw === undefined) return { ok: false, reason: 'invalid UTF-8' };
  let text = raw;
  const record: Record<string, unknown> = {};
  const pri = PRI.exec(text);
  if (pri !== null) {
    const value = Number(pri[1]);
    if (value > 191) return { ok: false, reason: `syslog PRI ${value} is over 191` };
    record.facility = value >> 3;
    record.severity = value & 7;
    text = text.slice(pri[0].length);
  }
  const modern = pri === null ? null : RFC5424.exec(text);
  if (modern !== null) {
    record.syslog_format = 'rfc5424';
    record.timestamp = nil(modern[1]);
    record.hostname = nil(modern[2]);
    record.app_name = nil(modern[3]);
    record.procid = nil(modern[4]);
    record.msgid = nil(modern[5]);
    record.structured_data = structuredData(modern[6]);
    record.message = modern[7]?.startsWith(BOM) ? modern[7].slice(1) : (modern[7] ?? null);
    return { ok: true, record };
  }
  const bsd = RFC3164.exec(text);
  if (bsd === null) return { ok: false, reason: 'neither an RFC 5424 nor an RFC 3164 syslog line' };
  record.syslog_format = 'rfc3164';
  record.timestamp = `${bsd[1]} ${bsd[2]} ${bsd[3]}:${bsd[4]}:${bsd[5]}`;
  record.hostname = bsd[6];
  const tag = TAG.exec(bsd[7]);
  if (tag !== null) {
    record.app_name = tag[1];
    record.procid = tag[2] ?? null;
    record.message = tag[3];
  } else {
    record.message = bsd[7];
  }
  return { ok: true, record };
}

const BSD_TIME = /^(\w{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * RFC 3164 time has no year and no zone: the year is the file's, or the one before when that would put the
 * event more than a day after the file was written (December lines in a January file); the zone is UTC.
 */
export function bsdTime(value: unknown, fileTime: Date): Date | undefined {
  const m = typeof value === 'string' ? BSD_TIME.exec(value) : null;
  if (m === null) return undefined;
  const month = MONTHS.indexOf(m[1]);
  const [day, hour, minute, second] = [m[2], m[3], m[4], m[5]].map(Number);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let year = fileTime.getUTCFullYear();
  let time = Date.UTC(year, month, day, hour, minute, second);
  if (time > fileTime.getTime() + 86_400_000) time = Date.UTC(--year, month, day, hour, minute, second);
  const date = new Date(time);
  return date.getUTCDate() === day ? date : undefined;
}

export const syslogParser: Parser = {
  logType: 'syslog',
  title: 'syslog (RFC 5424 or RFC 3164)',
  eventTimeFields: ['timestamp'],
  eventTime: (record, fileTime) =>
    record.syslog_format === 'rfc3164' ? bsdTime(record.timestamp, fileTime) : undefined,
  parse: parseSyslog,
};
