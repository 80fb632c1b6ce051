import { albParser } from './alb';
import { cloudtrailParser } from './cloudtrail';
import { guarddutyParser } from './guardduty';
import { jsonLinesParser } from './json-line';
import { oktaParser } from './okta';
import { suricataParser } from './suricata';
import { syslogParser } from './syslog';
import type { LineRead, LineReader, Parser } from './types';
import { vpcFlowParser } from './vpc-flow';
import { zeekParser } from './zeek';

export { lineText, parseJsonObjectLine } from './json-line';
export type { LineRead, LineReader, NormalizedFields, ParseResult, Parser } from './types';

/** Not a format: `--log-type auto` asks the split to recognise the file from its first bytes. */
export const AUTO_LOG_TYPE = 'auto';

const PARSER_LIST: Parser[] = [
  jsonLinesParser({ logType: 'json', title: 'JSON lines', eventTimeFields: [] }),
  zeekParser,
  suricataParser,
  cloudtrailParser,
  vpcFlowParser,
  oktaParser,
  guarddutyParser,
  albParser,
  syslogParser,
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

/** The parser's own reader, or a stateless one over `parse` for line-per-record formats. */
export function createReader(parser: Parser): LineReader {
  if (parser.reader !== undefined) return parser.reader();
  return {
    read(line: Buffer): LineRead {
      const r = parser.parse(line);
      return r.ok ? { kind: 'record', record: r.record } : { kind: 'error', reason: r.reason };
    },
    isHeader: () => false,
    headerLines: () => [],
  };
}
