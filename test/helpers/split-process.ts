import { gunzipSync } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { quarantine, staging } from '../../src/activities/layout';
import { createProcessChunk } from '../../src/activities/process/process-chunk';
import { createSplitFile } from '../../src/activities/split/split-file';
import type { FileRef, ProcessChunkResult, SplitInput, SplitResult } from '../../src/contracts/ingest';
import { createLogger } from '../../src/shared/log';
import { MemoryS3 } from './memory-s3';

export const LANDING = 'landing';
const STAGING = 'staging';
const QUARANTINE = 'quarantine';

export interface FileOutcome {
  split: SplitResult;
  chunks: ProcessChunkResult[];
  /** Envelope lines in staging, by source line. */
  envelopeLines: number[];
  /** Lines quarantined at split (oversize) and at process. */
  quarantinedLines: number[];
}

/**
 * Runs the real split and process activities (as a worker would, in an activity context) over one file held
 * in memory, and reads back what they left in staging and quarantine.
 */
export class SplitProcessHarness {
  readonly s3 = new MemoryS3();
  // Activity failures are what some tests expect; the SDK's own log of each would only be noise.
  private readonly env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => {}) });
  private readonly deps = {
    s3: this.s3.client(),
    stagingBucket: STAGING,
    quarantineBucket: QUARANTINE,
    log: createLogger('error'),
  };
  private readonly split = createSplitFile(this.deps);
  private readonly process = createProcessChunk(this.deps);

  async run(
    body: Buffer,
    file: Omit<FileRef, 'etag' | 'bucket'>,
    limits: Omit<SplitInput, 'file'>,
    opts: { keepEnvelopes?: boolean } = {},
  ): Promise<FileOutcome> {
    this.s3.clear();
    const etag = this.s3.put(LANDING, file.key, body, new Date('2024-05-01T00:00:00Z'));
    const ref: FileRef = { ...file, bucket: LANDING, etag };
    const split = (await this.env.run(this.split, { file: ref, ...limits })) as SplitResult;
    const chunks: ProcessChunkResult[] = [];
    const envelopeLines: number[] = [];
    const quarantinedLines: number[] = [];
    for (let chunk = 0; chunk < split.chunkCount; chunk++) {
      const r = (await this.env.run(this.process, {
        fileId: split.fileId,
        chunk,
        file: ref,
        fileTime: split.fileTime,
        ingestTime: '2024-05-01T00:00:00.000Z',
        eventTimeWindow: { maxAge: 7 * 86_400_000, maxAhead: 86_400_000 },
      })) as ProcessChunkResult;
      chunks.push(r);
      if (opts.keepEnvelopes !== false) {
        const env = this.s3.get(STAGING, staging.envelopes(split.fileId, chunk));
        for (const line of gunzipSync(env as Buffer)
          .toString('utf8')
          .split('\n'))
          if (line) envelopeLines.push((JSON.parse(line) as { source: { line: number } }).source.line);
      }
      const q = this.s3.get(QUARANTINE, quarantine.chunkRecords(file.tenant, split.fileId, chunk));
      for (const line of q?.toString('utf8').split('\n') ?? [])
        if (line) quarantinedLines.push((JSON.parse(line) as { line: number }).line);
      // What the sinks would have read is no longer needed: keep memory to one chunk's worth.
      this.s3.objects.delete(`${STAGING}/${staging.chunk(split.fileId, chunk)}`);
      if (opts.keepEnvelopes === false) this.s3.objects.delete(`${STAGING}/${staging.envelopes(split.fileId, chunk)}`);
    }
    for (const k of this.s3.keys(QUARANTINE, `records/${file.tenant}/${split.fileId}/oversize-line-`))
      quarantinedLines.push(Number(/oversize-line-(\d+)\.json$/.exec(k)?.[1]));
    return { split, chunks, envelopeLines, quarantinedLines };
  }
}
