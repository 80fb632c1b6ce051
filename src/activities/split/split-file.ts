import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { SplitInput, SplitResult } from '../../contracts/ingest';
import type { Logger } from '../../shared/log';
import { CloudTrailDocumentError, FormatMismatchError, type Framing, openFraming } from '../../transforms/framing';
import { AUTO_LOG_TYPE, createReader, getParser } from '../../transforms/parsers';
import { failure } from '../failures';
import { fileIdOf, quarantine, sourceUri, staging } from '../layout';
import { quarantineEntry } from '../quarantine';
import { classifyS3Error } from '../s3-errors';
import { isBlank, LineSplitter } from './line-splitter';

export interface SplitDeps {
  s3: S3Client;
  stagingBucket: string;
  quarantineBucket: string;
  log: Logger;
}

/** How much of an over-long record quarantine keeps (the rest is counted, not stored). */
const OVERSIZE_KEEP_BYTES = 16 * 1024 * 1024;

interface PendingChunk {
  index: number;
  body: Buffer;
  firstLine: number;
  lastLine: number;
  records: number;
  /** Lines at the start of the body that repeat the file's header, not numbered. */
  headerLines: number;
}

/** Accumulates whole lines into chunks of about the target size. */
class ChunkBuilder {
  private parts: Buffer[] = [];
  private bytes = 0;
  private records = 0;
  private firstLine = 0;
  private lastLine = 0;
  private next = 0;
  private headerLines = 0;
  readonly ready: PendingChunk[] = [];

  /** `header` gives the format's header lines in force (Zeek TSV, VPC flow): each chunk starts with them. */
  constructor(
    private readonly targetBytes: number,
    private readonly header: () => Buffer[] = () => [],
  ) {}

  add(content: Buffer, lineNo: number, isRecord: boolean): void {
    if (this.parts.length === 0) {
      this.firstLine = lineNo;
      const header = this.header();
      this.headerLines = header.length;
      for (const h of header) {
        this.parts.push(h, NL);
        this.bytes += h.length + 1;
      }
    }
    this.parts.push(content, NL);
    this.bytes += content.length + 1;
    this.lastLine = lineNo;
    if (isRecord) this.records += 1;
    if (this.bytes >= this.targetBytes) this.cut();
  }

  cut(): void {
    if (this.parts.length === 0) return;
    // A chunk of only blank lines carries nothing; its lines are simply not ingested.
    if (this.records > 0) {
      this.ready.push({
        index: this.next++,
        body: Buffer.concat(this.parts, this.bytes),
        firstLine: this.firstLine,
        lastLine: this.lastLine,
        records: this.records,
        headerLines: this.headerLines,
      });
    }
    this.parts = [];
    this.bytes = 0;
    this.records = 0;
  }

  get count(): number {
    return this.next;
  }
}

const NL = Buffer.from('\n');
const BLANK = Buffer.alloc(0);

/** A broken gzip stream: no retry reads it differently, so it is permanent. The object is left as it is. */
function gzipFailure(e: unknown, file: SplitInput['file'], bytesRead: number): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!err.code?.startsWith('Z_')) return e;
  const what = err.code === 'Z_BUF_ERROR' ? 'truncated gzip' : 'corrupt gzip';
  return failure(
    `${sourceUri(file)}: ${what} (${err.message}) after ${bytesRead} uncompressed bytes; nothing of this file was ingested`,
    what === 'truncated gzip' ? 'TruncatedInput' : 'CorruptInput',
  );
}

/**
 * Streams one object from S3 (never whole in memory), gunzips it when its first bytes say gzip, cuts it on
 * record boundaries into chunks in the staging bucket, and returns only counts: the claim check for the rest
 * of the workflow. Over-long records go to quarantine, their line left blank in the chunk so numbering holds.
 */
export function createSplitFile(deps: SplitDeps) {
  return async function splitFile(input: SplitInput): Promise<SplitResult> {
    const { file } = input;
    const fileId = fileIdOf(file);
    try {
      if (file.logType !== AUTO_LOG_TYPE) getParser(file.logType);
    } catch (e) {
      throw failure((e as Error).message, 'UnknownLogType');
    }
    const ctx = Context.current();
    const log = deps.log.child({ fileId, source: sourceUri(file), activity: 'splitFile', attempt: ctx.info.attempt });

    let object: GetObjectCommandOutput;
    try {
      // IfMatch pins the version the workflow was started for: a replaced object is a new file, not this one.
      object = await deps.s3.send(
        new GetObjectCommand({ Bucket: file.bucket, Key: file.key, IfMatch: `"${file.etag}"` }),
      );
    } catch (e) {
      throw classifyS3Error(e, file);
    }
    const fileTime = (object.LastModified ?? new Date()).toISOString();
    const compressedBytes = object.ContentLength ?? 0;
    const body = object.Body as Readable | undefined;
    if (!body) throw new Error(`${sourceUri(file)}: S3 returned no body`);

    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
    const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const warnings: string[] = [];
    if (!gzip && /\.gz$/i.test(file.key) && head.length > 0) {
      warnings.push(`${file.key} is named .gz but is not gzip-compressed (no gzip magic bytes); read as plain text`);
    }
    async function* raw(): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      for (;;) {
        const n = await iterator.next();
        if (n.done) return;
        yield Buffer.from(n.value);
      }
    }
    const source: AsyncIterable<Buffer> = gzip ? Readable.from(raw()).pipe(createGunzip()) : raw();

    let framing: Framing;
    try {
      framing = await openFraming(source, file.logType, { uri: sourceUri(file), key: file.key });
    } catch (e) {
      if (e instanceof FormatMismatchError) throw failure(e.message, 'FormatMismatch');
      throw gzipFailure(e, file, 0);
    }
    if (framing.skip) warnings.push(framing.skip.what);
    const reader = createReader(framing.parser);

    const chunks = new ChunkBuilder(input.chunkTargetBytes, () => reader.headerLines());
    const oversize: { kept: Buffer; total: number; line: number; offset: number }[] = [];
    let records = 0;
    const splitter = new LineSplitter(input.maxRecordBytes, OVERSIZE_KEEP_BYTES, {
      line(content, lineNo) {
        const header = reader.isHeader(content);
        const isRecord = !header && !isBlank(content);
        if (isRecord) records += 1;
        chunks.add(content, lineNo, isRecord);
        // After the add: a chunk starting here repeats the header in force before this line.
        if (header) reader.read(content);
      },
      oversize(kept, total, line, offset) {
        records += 1;
        oversize.push({ kept: Buffer.from(kept), total, line, offset });
        chunks.add(BLANK, line, false);
      },
    });

    let quarantined = 0;
    const drain = async () => {
      for (const c of chunks.ready.splice(0)) {
        await deps.s3.send(
          new PutObjectCommand({
            Bucket: deps.stagingBucket,
            Key: staging.chunk(fileId, c.index),
            Body: c.body,
            ContentType: 'application/x-ndjson',
            Metadata: {
              'first-line': String(c.firstLine),
              'last-line': String(c.lastLine),
              records: String(c.records),
              'header-lines': String(c.headerLines),
              'log-type': framing.logType,
            },
          }),
        );
        ctx.heartbeat({ chunks: c.index + 1, bytes: splitter.bytesRead });
      }
      for (const o of oversize.splice(0)) {
        const entry = quarantineEntry(
          file,
          fileId,
          { stage: 'split', line: o.line, offset: o.offset, bytes: o.total },
          `record of ${o.total} bytes is over the limit of ${input.maxRecordBytes} bytes (SLUICE_MAX_RECORD_BYTES)`,
          o.kept,
          o.kept.length < o.total,
        );
        await deps.s3.send(
          new PutObjectCommand({
            Bucket: deps.quarantineBucket,
            Key: quarantine.oversize(file.tenant, fileId, o.line),
            Body: JSON.stringify(entry),
            ContentType: 'application/json',
          }),
        );
        quarantined += 1;
      }
    };

    try {
      for await (const buf of framing.lines) {
        splitter.push(buf);
        if (chunks.ready.length || oversize.length) await drain();
      }
    } catch (e) {
      if (e instanceof CloudTrailDocumentError) {
        throw failure(`${sourceUri(file)}: ${e.message}`, 'CorruptInput');
      }
      throw gzipFailure(e, file, splitter.bytesRead);
    }
    splitter.finish();
    chunks.cut();
    await drain();

    const result: SplitResult = {
      fileId,
      chunkCount: chunks.count,
      records,
      quarantined,
      compressedBytes,
      bytes: splitter.bytesRead,
      gzip,
      fileTime,
      warnings,
      ...(framing.logType !== file.logType ? { logType: framing.logType } : {}),
      ...(framing.skip ? { skipped: { [framing.skip.reason]: 1 } } : {}),
    };
    log.info('split done', { ...result });
    return result;
  };
}
