/** A record or a reason it is not one: what a parser says about one line. */
export type ParseResult = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

/** What a reader says about one line of a file: a record, a header directive it consumed, or an error. */
export type LineRead =
  | { kind: 'record'; record: Record<string, unknown> }
  | { kind: 'header' }
  | { kind: 'error'; reason: string };

/**
 * Reads the lines of one file (or one chunk of it, after the chunk's header lines) in order. Header-driven
 * formats (Zeek TSV, VPC flow logs) keep the header in force here; line-per-record formats are stateless.
 */
export interface LineReader {
  read(line: Buffer): LineRead;
  /** Cheap test, no full parse: the split uses it on every line to count records and track headers. */
  isHeader(line: Buffer): boolean;
  /** The header lines in force now. Every chunk starts with them, so a chunk parses on its own. */
  headerLines(): Buffer[];
}

/** Fields every envelope carries in the same shape whatever the format (see normalized-fields.ts). */
export interface NormalizedFields {
  src_ip?: string;
  src_port?: number;
  dst_ip?: string;
  dst_port?: number;
  user?: string;
  action?: string;
  outcome?: string;
  cloud_account?: string;
  cloud_region?: string;
  ocsf_class?: string;
  ocsf_class_uid?: number;
}

export interface Parser {
  logType: string;
  /** How a person names this format in an error message ("Zeek TSV or JSON"). */
  title: string;
  /** Parses one self-contained line. Header-driven formats read through `reader()`, which this falls back to. */
  parse(line: Buffer): ParseResult;
  /** Fields holding the event's own time, most specific first. */
  eventTimeFields: string[];
  /** A format whose time needs more than a field (syslog RFC 3164 has no year): tried before the fields. */
  eventTime?(record: Record<string, unknown>, fileTime: Date): Date | undefined;
  /** A fresh reader for one file or chunk; absent for stateless line formats. */
  reader?(): LineReader;
  /** The normalized fields of a parsed record. */
  fields?(record: Record<string, unknown>): NormalizedFields;
}
