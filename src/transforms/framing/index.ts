import { type Detection, detectFormat } from '../detect';
import { AUTO_LOG_TYPE, createReader, getParser, type Parser } from '../parsers';
import { cloudTrailRecordLines } from './cloudtrail-records';

export { CloudTrailDocumentError } from './cloudtrail-records';

/** Bytes of the (decompressed) file looked at to recognise its format and to try the parser on. */
export const SNIFF_BYTES = 64 * 1024;
/** Records of the head the parser is tried on; all failing means the file is in another format. */
const PROBE_RECORDS = 20;

/** How the split reads one file: its log type, and its bytes as lines for the line splitter. */
export interface Framing {
  logType: string;
  parser: Parser;
  /** The file as newline-separated records (a CloudTrail Records document is turned into one line per event). */
  lines: AsyncIterable<Buffer>;
  /** Set when the file holds no events to ingest (a CloudTrail digest file): why. */
  skip?: { reason: string; what: string };
  detection?: Detection;
}

/** The file is not in the format asked for (or in none we know): no retry or quarantine helps. */
export class FormatMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatMismatchError';
  }
}

async function peek(source: AsyncIterable<Buffer>, bytes: number) {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: Buffer.concat(head), rest: rest() };
}

/** The reasons the parser gives on the head's first records, or undefined when any of them parses. */
function probe(parser: Parser, head: Buffer, complete: boolean): string[] | undefined {
  const reader = createReader(parser);
  let end = complete ? head.length : head.lastIndexOf(0x0a);
  if (end <= 0) end = head.length;
  const reasons: string[] = [];
  let start = 0;
  while (start < end && reasons.length < PROBE_RECORDS) {
    let nl = head.indexOf(0x0a, start);
    if (nl === -1 || nl > end) nl = end;
    const line = head.subarray(start, nl);
    start = nl + 1;
    if (line.toString('utf8').trim() === '') continue;
    const r = reader.read(line);
    if (r.kind === 'record') return undefined;
    if (r.kind === 'error') reasons.push(r.reason);
  }
  // A verdict needs the whole file or a full sample: a head holding a record or two of a file of long lines says
  // too little, and its bad records are better quarantined one by one than the whole file refused.
  if (!complete && reasons.length < PROBE_RECORDS) return undefined;
  return reasons.length ? reasons : undefined;
}

/**
 * Decides how to read a file from its first bytes: `auto` picks the format; an explicit log type is tried on
 * the first records, and a file none of them parse is refused with what it looks like instead, so a wrong
 * `--log-type` stops the file at once rather than quarantining it line by line.
 */
export async function openFraming(
  source: AsyncIterable<Buffer>,
  requested: string,
  where: { uri: string; key: string },
): Promise<Framing> {
  const { head, rest } = await peek(source, SNIFF_BYTES);
  const detection = detectFormat(head, where.key);
  if (requested === AUTO_LOG_TYPE && detection === undefined) {
    if (head.toString('utf8').trim() === '') return { logType: 'json', parser: getParser('json'), lines: rest };
    throw new FormatMismatchError(
      `${where.uri}: could not recognise the format from its first ${head.length} bytes; ingest with an explicit --log-type`,
    );
  }
  const logType = requested === AUTO_LOG_TYPE ? (detection as Detection).logType : requested;
  const parser = getParser(logType);
  if (logType === 'cloudtrail' && detection?.digest) {
    return {
      logType,
      parser,
      lines: (async function* () {})(),
      detection,
      skip: {
        reason: 'cloudtrail-digest',
        what: `${where.uri} is a CloudTrail digest file (integrity hashes, no events): skipped`,
      },
    };
  }
  if (logType === 'cloudtrail' && detection?.recordsDocument) {
    return { logType, parser, lines: cloudTrailRecordLines(rest), detection };
  }
  const failures = probe(parser, head, head.length < SNIFF_BYTES);
  if (failures !== undefined) {
    const looks =
      detection !== undefined && detection.logType !== logType
        ? `; looks like ${detection.looksLike}; ingest with --log-type ${detection.logType}`
        : detection === undefined
          ? '; its format is not one Sluice recognises'
          : '';
    throw new FormatMismatchError(
      `${where.uri} does not read as ${parser.title} (--log-type ${logType}): its first ${failures.length} record(s) fail, the first with "${failures[0]}"${looks}`,
    );
  }
  return { logType, parser, lines: rest, detection };
}
