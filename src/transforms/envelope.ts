import { createHash } from 'node:crypto';
import { eventTimeOf } from './event-time';
import { extractIndicators, type Indicators } from './indicators';
import { normalizedFieldsOf } from './normalized-fields';
import type { NormalizedFields, Parser } from './parsers/types';

export interface SourceRef {
  bucket: string;
  key: string;
  etag: string;
  chunk: number;
  /** 1-based line number in the (decompressed) file. */
  line: number;
}

/** The normalized record every sink receives. */
export interface Envelope {
  /** Deterministic, see rowId(). */
  row_id: string;
  tenant: string;
  log_type: string;
  /** ISO-8601 UTC with milliseconds, e.g. 2024-01-02T03:04:05.678Z. */
  event_time: string;
  event_time_source: 'record' | 'file';
  /**
   * Present only when the record's event time lies outside the window around its file's time: then the row is
   * partitioned (S3 date/hour, OpenSearch daily index) by this, the file's time, and flagged, while event_time
   * keeps the record's own time. One file can so create only a bounded number of partitions and indices.
   */
  partition_time?: string;
  event_time_out_of_range?: true;
  /** ISO-8601 UTC. */
  ingest_time: string;
  source: SourceRef;
  indicators: Indicators;
  /** The same facts in the same fields whatever the format (IPs, ports, user, action, account, OCSF class). */
  fields: NormalizedFields;
  /** The parsed original record, untouched. */
  event: Record<string, unknown>;
}

export interface NormalizeInput {
  record: Record<string, unknown>;
  parser: Parser;
  tenant: string;
  fileId: string;
  source: SourceRef;
  fileTime: Date;
  ingestTime: Date;
  /** How far (ms) before and after fileTime an event time may choose the partition; unbounded when absent. */
  eventTimeWindow?: { maxAge: number; maxAhead: number };
}

/**
 * First 32 hex chars of sha256(`${fileId}\n${line}`). Keyed by the line in the file rather than chunk and
 * ordinal, so re-ingesting with another chunk size yields the same ids and sinks deduplicate on them.
 */
export function rowId(fileId: string, line: number): string {
  return createHash('sha256').update(`${fileId}\n${line}`).digest('hex').slice(0, 32);
}

function isoOf(date: Date, what: string): string {
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a valid date`);
  return date.toISOString();
}

export function normalize(input: NormalizeInput): Envelope {
  const { record, parser, source } = input;
  const recordTime = eventTimeOf(parser, record, input.fileTime);
  const outOfRange = recordTime !== undefined && outsideWindow(recordTime, input.fileTime, input.eventTimeWindow);
  return {
    row_id: rowId(input.fileId, source.line),
    tenant: input.tenant,
    log_type: parser.logType,
    event_time: recordTime === undefined ? isoOf(input.fileTime, 'fileTime') : recordTime.toISOString(),
    event_time_source: recordTime === undefined ? 'file' : 'record',
    ...(outOfRange ? { partition_time: isoOf(input.fileTime, 'fileTime'), event_time_out_of_range: true } : {}),
    ingest_time: isoOf(input.ingestTime, 'ingestTime'),
    source: { ...source },
    indicators: extractIndicators(record),
    fields: normalizedFieldsOf(parser, record),
    event: record,
  };
}

function outsideWindow(t: Date, fileTime: Date, window: NormalizeInput['eventTimeWindow']): boolean {
  if (!window) return false;
  const delta = t.getTime() - fileTime.getTime();
  return delta < -window.maxAge || delta > window.maxAhead;
}

/** The time that chooses a row's partition and index: its event time, unless that was out of range. */
export const partitionTimeOf = (e: Envelope): string => e.partition_time ?? e.event_time;
