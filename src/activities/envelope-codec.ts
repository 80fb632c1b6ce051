import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectBytes } from '../shared/clients';
import type { Envelope } from '../transforms/envelope';
import { staging } from './layout';

/** Envelopes at rest between activities: gzip NDJSON, one envelope a line (already serialized by the caller). */
export function encodeEnvelopeLines(lines: string[]): Buffer {
  return gzipSync(lines.length ? `${lines.join('\n')}\n` : '', { level: 1 });
}

/**
 * The envelopes of a chunk, decoded one at a time as they are iterated, optionally only those of a line range.
 * A chunk's envelopes as objects weigh several times its text; sinks consume them row by row, so at most one
 * is alive at a time and a worker's memory follows chunk size × activities, not a multiple of it.
 */
export class ChunkEnvelopes implements Iterable<Envelope> {
  private readonly lines: string[];

  constructor(
    body: Buffer,
    private readonly range?: { firstLine: number; lastLine: number },
  ) {
    this.lines = gunzipSync(body).toString('utf8').split('\n');
  }

  *[Symbol.iterator](): Iterator<Envelope> {
    for (const line of this.lines) {
      if (!line) continue;
      const e = JSON.parse(line) as Envelope;
      if (this.range && (e.source.line < this.range.firstLine || e.source.line > this.range.lastLine)) continue;
      yield e;
    }
  }
}

/** A chunk's envelopes, as the process activity left them in staging. */
export async function readChunkEnvelopes(
  s3: S3Client,
  stagingBucket: string,
  fileId: string,
  chunk: number,
  range?: { firstLine: number; lastLine: number },
): Promise<ChunkEnvelopes> {
  return new ChunkEnvelopes(await getObjectBytes(s3, stagingBucket, staging.envelopes(fileId, chunk)), range);
}
