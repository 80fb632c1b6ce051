import { decodeUtf8Strict } from './utf8';

export type ParseResult = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

export interface Parser {
  logType: string;
  parse(line: Buffer): ParseResult;
  /** Fields holding the event's own time, most specific first. */
  eventTimeFields: string[];
}

const CR = 0x0d;

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Parses one NDJSON line (without its `\n`) into a JSON object. */
export function parseJsonObjectLine(line: Buffer): ParseResult {
  // Files written on Windows end lines with \r\n; the splitter only removes the \n.
  const body = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
  const text = decodeUtf8Strict(body);
  if (text === undefined) return { ok: false, reason: 'invalid UTF-8' };
  if (text.trim() === '') return { ok: false, reason: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `expected a JSON object, got ${describeJsonType(value)}` };
  }
  return { ok: true, record: value as Record<string, unknown> };
}

// Every format here is JSON lines; they differ only in where the event time lives.
// A new format is one more entry (with its own `parse` if it is not JSON lines).
const PARSER_LIST: Parser[] = [
  { logType: 'json', parse: parseJsonObjectLine, eventTimeFields: [] },
  // Zeek JSON logs: `ts` is an epoch float or an ISO string, depending on the writer's settings.
  { logType: 'zeek', parse: parseJsonObjectLine, eventTimeFields: ['ts'] },
  // Suricata EVE: `timestamp` like 2018-07-05T19:01:09.820262+0200.
  { logType: 'suricata', parse: parseJsonObjectLine, eventTimeFields: ['timestamp'] },
  // CloudTrail, one event per line (not the `{"Records":[...]}` file form).
  { logType: 'cloudtrail', parse: parseJsonObjectLine, eventTimeFields: ['eventTime'] },
];

// A Map, not an object literal, so names like "constructor" are not found on the prototype.
const PARSERS = new Map<string, Parser>(PARSER_LIST.map((p) => [p.logType, p]));

export function knownLogTypes(): string[] {
  return [...PARSERS.keys()].sort();
}

export function getParser(logType: string): Parser {
  const parser = PARSERS.get(logType);
  if (parser === undefined) {
    throw new Error(`unknown log type ${JSON.stringify(logType)}; known: ${knownLogTypes().join(', ')}`);
  }
  return parser;
}
