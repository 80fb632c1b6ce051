import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { SplitInput, SplitResult } from '../../contracts/ingest';
import { encodeEntry, recordEntry } from '../../quarantine/format';
import type { Logger } from '../../shared/log';
import { sourceRefusal, type TenantSources } from '../../shared/tenant-sources';
import { CloudTrailDocumentError, FormatMismatchError, type Framing, openFraming } from '../../transforms/framing';
import { AUTO_LOG_TYPE, createReader, getParser } from '../../transforms/parsers';
import { failure } from '../failures';
import { fileIdOf, quarantine, sourceUri, staging } from '../layout';
import { classifyS3Error } from '../s3-errors';
import { ChunkBuilder } from './chunk-builder';
import { DecompressionMeter } from './decompression-meter';
import { isBlank, LineSplitter } from './line-splitter';

export interface SplitDeps {
  s3: S3Client;
  /** The worker's own SLUICE_TENANT_SOURCES: checked here too, since anyone may start a workflow. */
  tenantSources?: TenantSources;
  stagingBucket: string;
  quarantineBucket: string;
  log: Logger;
}

/** How much of an over-long record quarantine keeps (the rest is counted, not stored). */
const OVERSIZE_KEEP_BYTES = 16 * 1024 * 1024;
/** Heartbeat at least this often in decompressed bytes, so a slow or long stretch without a chunk is not "dead". */
const HEARTBEAT_EVERY_BYTES = 8 * 1024 * 1024;
/**
 * The compression ratio is judged only past this many decompressed bytes: small, very repetitive files (a few
 * MiB of blank lines) compress 1000:1 and are harmless; a bomb is harmful for its size, not its ratio.
 */
export const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

/** Defaults for workflows started before these limits were part of SplitInput. */
export const SPLIT_DEFAULTS = {
  maxRecordsPerChunk: 10_000,
  maxDecompressedBytes: 16 * 1024 ** 3,
  maxCompressionRatio: 200,
} as const;

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
    const refusal = sourceRefusal(deps.tenantSources ?? new Map(), file.tenant, file.bucket, file.key);
    if (refusal) throw failure(refusal, 'SourceNotAllowed');
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
    const meter = new DecompressionMeter(file, gzip, {
      maxDecompressedBytes: input.maxDecompressedBytes ?? SPLIT_DEFAULTS.maxDecompressedBytes,
      maxCompressionRatio: input.maxCompressionRatio ?? SPLIT_DEFAULTS.maxCompressionRatio,
      ratioFloorBytes: RATIO_FLOOR_BYTES,
    });
    async function* raw(): AsyncGenerator<Buffer> {
      if (head.length) {
        meter.compressed(head.length);
        yield head;
      }
      for (;;) {
        const n = await iterator.next();
        if (n.done) return;
        meter.compressed(n.value.length);
        yield Buffer.from(n.value);
      }
    }
    const source: AsyncIterable<Buffer> = gzip ? Readable.from(raw()).pipe(createGunzip()) : raw();

    // Counted as they leave gunzip, before framing: a bomb stops at the limit whatever the format makes of it.
    async function* metered(): AsyncGenerator<Buffer> {
      for await (const buf of source) {
        meter.decompressed(buf.length);
        yield buf;
      }
    }
    let framing: Framing;
    try {
      framing = await openFraming(metered(), file.logType, { uri: sourceUri(file), key: file.key });
    } catch (e) {
      if (e instanceof FormatMismatchError) throw failure(e.message, 'FormatMismatch');
      throw gzipFailure(e, file, 0);
    }
    if (framing.skip) warnings.push(framing.skip.what);
    const reader = createReader(framing.parser);

    const chunks = new ChunkBuilder(
      {
        targetBytes: input.chunkTargetBytes,
        maxRecords: input.maxRecordsPerChunk ?? SPLIT_DEFAULTS.maxRecordsPerChunk,
      },
      () => reader.headerLines(),
    );
    const oversize: { kept: Buffer; total: number; line: number; offset: number }[] = [];
    let records = 0;
    let blank = 0;
    const splitter = new LineSplitter(input.maxRecordBytes, OVERSIZE_KEEP_BYTES, {
      line(content, lineNo) {
        if (isBlank(content)) {
          blank += 1;
          chunks.addEmpty(lineNo);
        } else if (reader.isHeader(content)) {
          // Kept in the chunk (process reads it too); a chunk starting here repeats the header in force before it.
          chunks.addHeader(content, lineNo);
          reader.read(content);
        } else {
          records += 1;
          chunks.addRecord(content, lineNo);
        }
      },
      empty(lineNo) {
        blank += 1;
        chunks.addEmpty(lineNo);
      },
      oversize(kept, total, line, offset) {
        records += 1;
        oversize.push({ kept: Buffer.from(kept), total, line, offset });
        chunks.addEmpty(line);
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
        const entry = recordEntry(
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
            Body: encodeEntry(entry),
            ContentType: 'application/json',
          }),
        );
        quarantined += 1;
      }
    };

    let nextHeartbeat = HEARTBEAT_EVERY_BYTES;
    try {
      for await (const buf of framing.lines) {
        splitter.push(buf);
        if (chunks.ready.length || oversize.length) await drain();
        if (splitter.bytesRead >= nextHeartbeat) {
          ctx.heartbeat({ chunks: chunks.count, bytes: splitter.bytesRead });
          nextHeartbeat = splitter.bytesRead + HEARTBEAT_EVERY_BYTES;
        }
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
      blank,
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
