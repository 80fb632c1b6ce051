import { pick } from './parsers/json-line';
import type { Parser } from './parsers/types';

// Anything outside this window is a placeholder (0, -1), a unit mix-up, or garbage; such records fall
// back to the file's time rather than landing in a partition decades away.
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

// Epoch numbers above this are milliseconds: as seconds it would be year 5138.
const MS_THRESHOLD = 1e11;

const FALLBACK_FIELDS = ['@timestamp', 'timestamp', 'ts', 'eventTime', 'time'];

const EPOCH_STRING = /^(\d{1,16})(?:\.(\d+))?$/;
// Date, time with seconds, optional fraction of any length, optional zone (Z, ±hh, ±hhmm, ±hh:mm).
const ISO_STRING =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function inRange(ms: number): Date | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? date : undefined;
}

function fromEpochNumber(value: number): Date | undefined {
  if (!Number.isFinite(value)) return undefined;
  // Round to whole microseconds first so float noise (…123 stored as …122.99999) does not lose a millisecond.
  const micros = value > MS_THRESHOLD ? Math.round(value * 1e3) : Math.round(value * 1e6);
  return inRange(Math.floor(micros / 1e3));
}

function fromEpochString(intPart: string, fraction: string | undefined): Date | undefined {
  const whole = Number(intPart);
  if (whole > MS_THRESHOLD) return inRange(whole);
  // Exact decimal arithmetic on the digits; truncates to milliseconds.
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return inRange(whole * 1000 + millis);
}

function fromIsoMatch(m: RegExpExecArray): Date | undefined {
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offHours = Number(m[10]);
    const offMinutes = m[11] === undefined ? 0 : Number(m[11]);
    if (offHours > 23 || offMinutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offHours * 60 + offMinutes);
  }
  // Date.UTC rolls 2021-02-30 over to March; reject instead of guessing.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  // No zone at all is read as UTC: sensors log in UTC, and the host's zone must not change results.
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return inRange(wallClock - offsetMinutes * 60_000);
}

/**
 * Reads an event time from epoch seconds (number or numeric string, fractions allowed), epoch milliseconds
 * (numbers above 1e11), or ISO-8601 with Z / ±hh:mm / ±hhmm and any number of fractional digits
 * (truncated to milliseconds). Undefined when unreadable or outside 1990–2100.
 */
export function parseEventTime(value: unknown): Date | undefined {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (value instanceof Date) return inRange(value.getTime());
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const epoch = EPOCH_STRING.exec(text);
  if (epoch !== null) return fromEpochString(epoch[1], epoch[2]);
  const iso = ISO_STRING.exec(text);
  return iso === null ? undefined : fromIsoMatch(iso);
}

/**
 * The record's event time: the parser's own rule or fields first (a dotted field is a path into nested
 * objects unless the record has that flat key, as Zeek's `id.orig_h` style does), then common names.
 */
export function eventTimeOf(
  parser: Pick<Parser, 'eventTimeFields' | 'eventTime'>,
  record: Record<string, unknown>,
  fileTime?: Date,
): Date | undefined {
  if (parser.eventTime !== undefined && fileTime !== undefined) {
    const time = parser.eventTime(record, fileTime);
    if (time !== undefined) return inRange(time.getTime());
  }
  for (const field of parser.eventTimeFields) {
    const time = parseEventTime(field in record || !field.includes('.') ? record[field] : pick(record, field));
    if (time !== undefined) return time;
  }
  for (const field of FALLBACK_FIELDS) {
    if (parser.eventTimeFields.includes(field)) continue;
    const time = parseEventTime(record[field]);
    if (time !== undefined) return time;
  }
  return undefined;
}
