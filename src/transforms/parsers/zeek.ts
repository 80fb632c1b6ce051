import { jsonLinesParser, lineText, parseJsonObjectLine, port, str } from './json-line';
import type { LineRead, LineReader, NormalizedFields, Parser } from './types';

/**
 * Zeek logs in either writer format: JSON lines, or the native TSV with its `#` header directives
 * (`#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#open`, `#fields`, `#types`,
 * `#close`). TSV values are typed by `#types`; unset values are left out, as Zeek's JSON writer does.
 */

const HASH = 0x23;

interface TsvHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path?: string;
  fields?: string[];
  types?: string[];
  /** The header lines as read, replayed at the start of every chunk. */
  lines: Buffer[];
}

function freshHeader(): TsvHeader {
  return { separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-', lines: [] };
}

/** Zeek writes unprintable bytes (and a literal separator inside a value) as `\xNN`. */
function unescapeHex(value: string): string {
  return value.includes('\\x')
    ? value.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : value;
}

const CONTAINER = /^(set|vector|table)\[(.+)\]$/;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function scalar(type: string, raw: string): unknown {
  switch (type) {
    case 'count':
    case 'int':
    case 'port': {
      if (!INTEGER.test(raw)) throw new Error(`"${raw}" is not a ${type}`);
      const n = Number(raw);
      // A count beyond 2^53 would silently lose digits as a number; the exact text is kept instead.
      return Number.isSafeInteger(n) ? n : raw;
    }
    case 'time':
    case 'interval':
    case 'double':
      if (!NUMBER.test(raw)) throw new Error(`"${raw}" is not a ${type}`);
      return Number(raw);
    case 'bool':
      if (raw === 'T') return true;
      if (raw === 'F') return false;
      throw new Error(`"${raw}" is not a bool (T or F)`);
    default:
      // addr, subnet, string, enum, pattern, func, …: text.
      return unescapeHex(raw);
  }
}

function typed(type: string, raw: string, h: TsvHeader): unknown {
  const container = CONTAINER.exec(type);
  if (container === null) return scalar(type, raw);
  if (raw === h.emptyField) return [];
  return raw.split(h.setSeparator).map((item) => scalar(container[2], item));
}

function decodeSeparator(value: string): string {
  return unescapeHex(value.trim());
}

class ZeekReader implements LineReader {
  private header: TsvHeader | undefined;

  isHeader(line: Buffer): boolean {
    return line.length > 0 && line[0] === HASH;
  }

  headerLines(): Buffer[] {
    return this.header?.lines ?? [];
  }

  read(line: Buffer): LineRead {
    if (this.isHeader(line)) return this.directive(line);
    if (this.header?.fields === undefined) {
      const json = parseJsonObjectLine(line);
      if (json.ok) return { kind: 'record', record: json.record };
      const text = lineText(line) ?? '';
      return {
        kind: 'error',
        reason: text.trimStart().startsWith('{')
          ? json.reason
          : 'neither Zeek JSON nor a Zeek TSV row after a #fields header',
      };
    }
    return this.row(line, this.header);
  }

  private directive(line: Buffer): LineRead {
    const text = lineText(line);
    if (text === undefined) return { kind: 'error', reason: 'invalid UTF-8 in a Zeek header line' };
    // `#separator` is always space-separated (it defines the separator for the rest); it starts a new log.
    if (text.startsWith('#separator')) {
      this.header = freshHeader();
      this.header.separator = decodeSeparator(text.slice('#separator'.length));
      if (this.header.separator === '') return { kind: 'error', reason: 'empty #separator' };
      this.header.lines.push(Buffer.from(line));
      return { kind: 'header' };
    }
    this.header ??= freshHeader();
    const h = this.header;
    const parts = text.split(h.separator);
    const name = parts[0];
    const values = parts.slice(1);
    switch (name) {
      case '#set_separator':
        h.setSeparator = decodeSeparator(values.join(h.separator));
        break;
      case '#empty_field':
        h.emptyField = values.join(h.separator);
        break;
      case '#unset_field':
        h.unsetField = values.join(h.separator);
        break;
      case '#path':
        h.path = values[0];
        break;
      case '#fields':
        h.fields = values;
        break;
      case '#types':
        h.types = values;
        break;
      default:
        // #open, #close and comments carry nothing a row needs, and are not replayed into chunks.
        return { kind: 'header' };
    }
    h.lines.push(Buffer.from(line));
    return { kind: 'header' };
  }

  private row(line: Buffer, h: TsvHeader & { fields?: string[] }): LineRead {
    const text = lineText(line);
    if (text === undefined) return { kind: 'error', reason: 'invalid UTF-8' };
    const fields = h.fields as string[];
    const values = text.split(h.separator);
    if (values.length !== fields.length) {
      return { kind: 'error', reason: `Zeek TSV row has ${values.length} values, #fields names ${fields.length}` };
    }
    const record: Record<string, unknown> = {};
    if (h.path !== undefined) record._path = h.path;
    for (let i = 0; i < fields.length; i++) {
      const raw = values[i];
      if (raw === h.unsetField) continue;
      const type = h.types?.[i] ?? 'string';
      try {
        record[fields[i]] = raw === h.emptyField && !CONTAINER.test(type) ? '' : typed(type, raw, h);
      } catch (e) {
        return { kind: 'error', reason: `field ${fields[i]} (${type}): ${(e as Error).message}` };
      }
    }
    return { kind: 'record', record };
  }
}

// `_path` (JSON writers with the path included, and our TSV rows) names the log; OCSF where one fits.
const OCSF: Record<string, [string, number]> = {
  conn: ['Network Activity', 4001],
  dns: ['DNS Activity', 4003],
  http: ['HTTP Activity', 4002],
  ssl: ['Network Activity', 4001],
  notice: ['Detection Finding', 2004],
};

function zeekFields(r: Record<string, unknown>): NormalizedFields {
  const path = str(r._path) ?? guessPath(r);
  const ocsf = path === undefined ? undefined : OCSF[path];
  return {
    src_ip: str(r['id.orig_h']),
    src_port: port(r['id.orig_p']),
    dst_ip: str(r['id.resp_h']),
    dst_port: port(r['id.resp_p']),
    user: str(r.username) ?? str(r.user),
    action: str(r.conn_state) ?? str(r.note) ?? str(r.method) ?? str(r.qtype_name),
    ocsf_class: ocsf?.[0],
    ocsf_class_uid: ocsf?.[1],
  };
}

/** A JSON log written without `_path`: recognised by a field only that log has. */
function guessPath(r: Record<string, unknown>): string | undefined {
  if ('conn_state' in r) return 'conn';
  if ('query' in r && 'qtype_name' in r) return 'dns';
  if ('method' in r && 'uri' in r) return 'http';
  if ('server_name' in r || 'cipher' in r) return 'ssl';
  return undefined;
}

const zeekJson = jsonLinesParser({ logType: 'zeek', title: 'Zeek', eventTimeFields: [] });

export const zeekParser: Parser = {
  logType: 'zeek',
  title: 'Zeek TSV or JSON',
  // `ts`: epoch float (TSV, default JSON) or ISO-8601 (JSON with `use_json_iso8601`).
  eventTimeFields: ['ts'],
  parse: zeekJson.parse,
  reader: () => new ZeekReader(),
  fields: zeekFields,
};
