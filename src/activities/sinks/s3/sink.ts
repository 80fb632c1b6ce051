import { gzipSync } from 'node:zlib';
import {
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type Envelope, partitionTimeOf } from '../../../transforms/envelope';
import type { EnvelopeBatch, Sink, SinkWriteResult } from '../sink';
import { mapLimit, onceUntilFailure } from '../util';
import { classifyS3SinkError as classify } from './errors';

export interface S3SinkDeps {
  s3: S3Client;
  bucket: string;
}

/** Hive-style partition of an envelope by its event time (UTC): `tenant=…/log_type=…/date=YYYY-MM-DD/hour=HH`. */
export function partitionOf(e: Envelope): string {
  // The event time, or the file's when the event time was out of range (see envelope.ts): bounded fan-out.
  const t = partitionTimeOf(e);
  return `tenant=${e.tenant}/log_type=${e.log_type}/date=${t.slice(0, 10)}/hour=${t.slice(11, 13)}`;
}

/** Named by the batch's line range, so writing the same lines again replaces the same object. */
export function objectKey(partition: string, fileId: string, firstLine: number, lastLine: number): string {
  return `${partition}/${fileId}-l${firstLine}-${lastLine}.ndjson.gz`;
}

const RANGE_NAME = /^(\d+)-(\d+)\.ndjson\.gz$/;
// Partitions are written in parallel, but not unboundedly: a chunk spanning months has thousands of hours.
const CONCURRENCY = 8;

export function createS3Sink(deps: S3SinkDeps): Sink {
  const { s3, bucket } = deps;

  /** Objects of this file in `partition` holding a different, overlapping line range: an earlier chunking. */
  async function staleKeys(partition: string, batch: EnvelopeBatch): Promise<string[]> {
    const prefix = `${partition}/${batch.fileId}-l`;
    const stale: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        const m = Key === undefined ? null : RANGE_NAME.exec(Key.slice(prefix.length));
        if (!m) continue;
        const first = Number(m[1]);
        const last = Number(m[2]);
        const same = first === batch.firstLine && last === batch.lastLine;
        if (!same && first <= batch.lastLine && last >= batch.firstLine) stale.push(Key as string);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return stale;
  }

  async function deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      const res = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
      const failed = res.Errors ?? [];
      if (failed.length) {
        throw new Error(
          `s3: could not delete ${failed.length} stale object(s), e.g. ${failed[0]?.Key}: ${failed[0]?.Message}`,
        );
      }
    }
  }

  async function write(batch: EnvelopeBatch): Promise<SinkWriteResult> {
    // Rows are kept as their text only, grouped by partition (see EnvelopeBatch: never a chunk of objects).
    const groups = new Map<string, string[]>();
    let written = 0;
    for (const e of batch.envelopes) {
      const p = partitionOf(e);
      const line = `${JSON.stringify(e)}\n`;
      const group = groups.get(p);
      if (group) group.push(line);
      else groups.set(p, [line]);
      written += 1;
    }
    const partitions = [...groups.keys()];
    await mapLimit(partitions, CONCURRENCY, async (p) => {
      const lines = (groups.get(p) as string[]).join('');
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey(p, batch.fileId, batch.firstLine, batch.lastLine),
          Body: gzipSync(lines),
          // No Content-Encoding: readers (Athena, Spark, HTTP clients) would then gunzip it behind our back.
          ContentType: 'application/gzip',
        }),
      );
    });
    // Stale objects go after the new ones are in place: a crash in between leaves a duplicate the retry
    // removes, never a hole. Only partitions of this batch can hold its lines (a line's partition is fixed).
    const stale = (await mapLimit(partitions, CONCURRENCY, (p) => staleKeys(p, batch))).flat();
    await deleteKeys(stale);
    return { written };
  }

  return {
    name: 's3',
    prepare: onceUntilFailure(async () => {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (e) {
        throw classify(e, bucket);
      }
    }),
    async write(batch) {
      try {
        return await write(batch);
      } catch (e) {
        throw classify(e, bucket);
      }
    },
    async close() {},
  };
}
