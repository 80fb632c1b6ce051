import { decodeUtf8Strict } from '../utf8';
import type { ParseResult, Parser } from './types';

const CR = 0x0d;

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The line as text without a trailing `\r` (Windows files; the splitter removes only the `\n`). */
export function lineText(line: Buffer): string | undefined {
  const body = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
  return decodeUtf8Strict(body);
}

/** Parses one NDJSON line (without its `\n`) into a JSON object. */
export function parseJsonObjectLine(line: Buffer): ParseResult {
  const text = lineText(line);
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

/** A JSON-lines format that differs from plain JSON only in its time fields and normalized fields. */
export function jsonLinesParser(spec: Omit<Parser, 'parse'>): Parser {
  return { ...spec, parse: parseJsonObjectLine };
}

/** Reads a dotted path (`client.ipAddress`) from a parsed record. */
export function pick(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function port(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}
