import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { ProcessChunkInput, ProcessChunkResult } from '../../contracts/ingest';
import { encodeEntries, type RecordEntry, recordEntry } from '../../quarantine/format';
import type { Logger } from '../../shared/log';
import { normalize } from '../../transforms/envelope';
import { createReader, getParser } from '../../transforms/parsers';
import { encodeEnvelopeLines } from '../envelope-codec';
import { failure } from '../failures';
import { withHeartbeat } from '../heartbeat';
import { quarantine, staging } from '../layout';
import { isBlank } from '../split/line-splitter';

export interface ProcessDeps {
  s3: S3Client;
  stagingBucket: string;
  quarantineBucket: string;
  log: Logger;
}

/**
 * Parses and normalizes one chunk. A record that does not parse is quarantined with its line and the reason,
 * and the chunk goes on. Output is deterministic (ingest time comes from the workflow), so a retry rewrites
 * the same envelopes at the same key.
 */
export function createProcessChunk(deps: ProcessDeps) {
  return (input: ProcessChunkInput): Promise<ProcessChunkResult> => withHeartbeat(() => processChunk(input));

  async function processChunk(input: ProcessChunkInput): Promise<ProcessChunkResult> {
    const { file, fileId, chunk } = input;
    const key = staging.chunk(fileId, chunk);
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.stagingBucket, Key: key }));
    let parser: ReturnType<typeof getParser>;
    try {
      // The split records the type it read the file as (`--log-type auto` resolves there).
      parser = getParser(object.Metadata?.['log-type'] ?? file.logType);
    } catch (e) {
      throw failure((e as Error).message, 'UnknownLogType');
    }
    const reader = createReader(parser);
    const body = Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    const firstLine = Number(object.Metadata?.['first-line']);
    const lastLine = Number(object.Metadata?.['last-line']);
    if (!Number.isInteger(firstLine) || !Number.isInteger(lastLine)) {
      throw failure(`staging object ${key} lacks its line-range metadata`, 'StagingCorrupt');
    }

    const fileTime = new Date(input.fileTime);
    const ingestTime = new Date(input.ingestTime);
    // Serialized as soon as made: a chunk's envelopes as objects weigh several times their text.
    // Rejected entries too: a chunk of bad records would otherwise hold one object per line.
    const envelopes: string[] = [];
    const rejected: RecordEntry[] = [];
    let records = 0;
    let outOfRange = 0;
    let lineNo = firstLine;
    let start = 0;
    // The file's header lines, repeated at the chunk's start so it reads alone; they have no line number.
    let headerLines = Number(object.Metadata?.['header-lines'] ?? 0);
    while (start < body.length) {
      let end = body.indexOf(0x0a, start);
      if (end === -1) end = body.length;
      const line = body.subarray(start, end);
      if (headerLines > 0) {
        headerLines -= 1;
        reader.read(line);
        start = end + 1;
        continue;
      }
      const read = isBlank(line) ? undefined : reader.read(line);
      if (read !== undefined && read.kind !== 'header') {
        records += 1;
        const reject = (reason: string) =>
          rejected.push(
            recordEntry(file, fileId, { stage: 'process', chunk, line: lineNo, bytes: line.length }, reason, line),
          );
        if (read.kind === 'error') reject(read.reason);
        else {
          try {
            const envelope = normalize({
              record: read.record,
              parser,
              tenant: file.tenant,
              fileId,
              source: { bucket: file.bucket, key: file.key, etag: file.etag, chunk, line: lineNo },
              fileTime,
              ingestTime,
              eventTimeWindow: input.eventTimeWindow,
            });
            if (envelope.event_time_out_of_range) outOfRange += 1;
            envelopes.push(JSON.stringify(envelope));
          } catch (e) {
            reject(`could not normalize: ${(e as Error).message}`);
          }
        }
      }
      lineNo += 1;
      start = end + 1;
    }

    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.stagingBucket,
        Key: staging.envelopes(fileId, chunk),
        Body: encodeEnvelopeLines(envelopes),
        ContentType: 'application/x-ndjson',
        ContentEncoding: 'gzip',
      }),
    );
    if (rejected.length) {
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.quarantineBucket,
          Key: quarantine.chunkRecords(file.tenant, fileId, chunk),
          Body: encodeEntries(rejected),
          ContentType: 'application/x-ndjson',
        }),
      );
    }
    const result = {
      chunk,
      records,
      parsed: envelopes.length,
      quarantined: rejected.length,
      firstLine,
      lastLine,
      outOfRange,
    };
    deps.log.debug('chunk processed', { fileId, attempt: Context.current().info.attempt, ...result });
    return result;
  }
}
