import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReader, eventTimeOf, getParser } from '../../../src/transforms';

export const FIXTURES = join(__dirname, '../../fixtures/formats');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface ReadOutcome {
  records: Record<string, unknown>[];
  errors: { line: number; reason: string }[];
  headers: number;
}

/** Reads text line by line through the log type's reader, as the process activity does. */
export function readText(logType: string, text: string): ReadOutcome {
  const reader = createReader(getParser(logType));
  const out: ReadOutcome = { records: [], errors: [], headers: 0 };
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const r = reader.read(Buffer.from(line));
    if (r.kind === 'record') out.records.push(r.record);
    else if (r.kind === 'error') out.errors.push({ line: i + 1, reason: r.reason });
    else out.headers += 1;
  });
  return out;
}

export function timeOf(logType: string, record: Record<string, unknown>, fileTime = new Date('2026-06-01T00:00:00Z')) {
  return eventTimeOf(getParser(logType), record, fileTime)?.toISOString();
}
