import { sourceUri } from '../activities/layout';
import type { DecisionRecord, FileRef, SinkName } from '../contracts/ingest';
import { isSinkName } from '../contracts/sinks';
import type { Envelope } from '../transforms/envelope';
import { decodeUtf8Strict } from '../transforms/utf8';

/**
 * The quarantine bucket's format, owned here: every entry written (records that did not parse or were too long,
 * records a sink rejected, the audit of a person's decision) and every reader (replay, the test helpers) goes
 * through this module. Each entry carries `v`, the format version; entries written before it existed have none
 * and read as version 1, which they are.
 */
export const QUARANTINE_FORMAT_VERSION = 1;

/** Where the entry came from: enough to find it in the source. */
interface Provenance {
  v: typeof QUARANTINE_FORMAT_VERSION;
  source: string;
  etag: string;
  tenant: string;
  log_type: string;
  file_id: string;
}

/** A record that never landed anywhere: it did not parse (process) or was over the size limit (split). */
export interface RecordEntry extends Provenance {
  stage: 'split' | 'process';
  chunk?: number;
  line: number;
  /** Byte offset of the record in the decompressed file, where known. */
  offset?: number;
  bytes: number;
  reason: string;
  /** The record as text, or base64 when it is not valid UTF-8 (nothing is lost either way). */
  record?: string;
  record_base64?: string;
  /** Only the start of an over-long record was kept: it cannot be replayed whole. */
  truncated?: boolean;
}

/** A record one sink rejected by itself (isolated by bisection); it landed in the other sinks. */
export interface RejectedEntry extends Provenance {
  stage: `sink:${SinkName}`;
  chunk: number;
  line: number;
  reason: string;
  /** The full envelope, replayable to that sink with its original row id. */
  envelope: Envelope;
}

/** Who decided what, when and why, about which work. */
export interface AuditEntry {
  v: typeof QUARANTINE_FORMAT_VERSION;
  kind: 'approve' | 'drop';
  who: string | null;
  when: string;
  why: string | null;
  what: Omit<Provenance, 'v'> & {
    stage: string;
    chunks: number[];
    records: number;
    error: string;
    /** Where the affected records are kept: quarantine copies of dropped chunks, or the source itself. */
    kept_at: string[];
  };
}

const provenance = (file: FileRef, fileId: string): Provenance => ({
  v: QUARANTINE_FORMAT_VERSION,
  source: sourceUri(file),
  etag: file.etag,
  tenant: file.tenant,
  log_type: file.logType,
  file_id: fileId,
});

export function recordEntry(
  file: FileRef,
  fileId: string,
  at: { stage: RecordEntry['stage']; chunk?: number; line: number; offset?: number; bytes: number },
  reason: string,
  raw: Buffer,
  truncated = false,
): RecordEntry {
  const text = decodeUtf8Strict(raw);
  return {
    ...provenance(file, fileId),
    ...at,
    reason,
    ...(text === undefined ? { record_base64: raw.toString('base64') } : { record: text }),
    ...(truncated ? { truncated } : {}),
  };
}

export function rejectedEntry(
  file: FileRef,
  fileId: string,
  sink: SinkName,
  envelope: Envelope,
  reason: string,
): RejectedEntry {
  return {
    ...provenance(file, fileId),
    stage: `sink:${sink}`,
    chunk: envelope.source.chunk,
    line: envelope.source.line,
    reason,
    envelope,
  };
}

export function auditEntry(
  file: FileRef,
  fileId: string,
  decision: DecisionRecord,
  about: { records: number; error: string; keptAt: string[] },
): AuditEntry {
  const { v: _, ...where } = provenance(file, fileId);
  return {
    v: QUARANTINE_FORMAT_VERSION,
    kind: decision.kind,
    who: decision.by ?? null,
    when: decision.at,
    why: decision.reason ?? null,
    what: {
      ...where,
      stage: decision.stage,
      chunks: decision.chunks,
      records: about.records,
      error: about.error,
      kept_at: about.keptAt,
    },
  };
}

/** Many entries as one object: NDJSON, one entry a line (empty when there are none). */
export function encodeEntries(entries: readonly (RecordEntry | RejectedEntry)[]): string {
  return entries.length ? `${entries.map((e) => JSON.stringify(e)).join('\n')}\n` : '';
}

/** One entry as one object (an over-long record, an audit record). */
export function encodeEntry(entry: RecordEntry | AuditEntry): string {
  return 'kind' in entry ? JSON.stringify(entry, null, 2) : JSON.stringify(entry);
}

/** What one quarantine object holds, by its key (see activities/layout.ts) and content. */
export type QuarantineObject =
  | { kind: 'records'; entries: RecordEntry[] }
  | { kind: 'rejected'; sink: SinkName; entries: RejectedEntry[] }
  /** A chunk dropped by a person: its lines verbatim, not entries. */
  | { kind: 'dropped'; lines: string[] }
  | { kind: 'audit'; entry: AuditEntry };

const REJECTED = /\/rejected-([a-z0-9_]+)-chunk-\d+\.ndjson$/;

/** The sink whose rejects a quarantine key holds, if it holds a sink's rejects. */
export function rejectedSinkOf(key: string): SinkName | undefined {
  const sink = REJECTED.exec(key)?.[1];
  return sink !== undefined && isSinkName(sink) ? sink : undefined;
}

function withVersion<T extends { v?: number }>(entry: T): T & { v: number } {
  const v = entry.v ?? 1;
  if (v > QUARANTINE_FORMAT_VERSION)
    throw new Error(`quarantine entry of format version ${v}; this Sluice reads up to ${QUARANTINE_FORMAT_VERSION}`);
  return { ...entry, v };
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => withVersion(JSON.parse(l)));

/** Reads one quarantine object, whichever kind it is. */
export function decodeObject(key: string, body: string): QuarantineObject {
  if (key.startsWith('audit/')) return { kind: 'audit', entry: withVersion(JSON.parse(body)) as AuditEntry };
  if (key.includes('/dropped/')) return { kind: 'dropped', lines: body.split('\n').filter(Boolean) };
  const sink = rejectedSinkOf(key);
  if (sink) return { kind: 'rejected', sink, entries: ndjson(body) as RejectedEntry[] };
  const entries = key.endsWith('.json') ? [withVersion(JSON.parse(body))] : ndjson(body);
  return { kind: 'records', entries: entries as RecordEntry[] };
}

/** The record's original bytes, or undefined when only part of it was kept (it cannot be replayed whole). */
export function recordBytes(entry: RecordEntry): Buffer | undefined {
  if (entry.truncated) return undefined;
  return entry.record !== undefined ? Buffer.from(entry.record) : Buffer.from(entry.record_base64 ?? '', 'base64');
}
