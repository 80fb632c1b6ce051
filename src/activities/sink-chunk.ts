import type { S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { SinkChunkInput, SinkChunkResult } from '../contracts/ingest';
import type { Logger } from '../shared/log';
import { readChunkEnvelopes } from './envelope-codec';
import { failure } from './failures';
import { withHeartbeat } from './heartbeat';
import { PermanentSinkError, type Sink, SystemicSinkError } from './sinks/sink';

export interface SinkChunkDeps {
  s3: S3Client;
  stagingBucket: string;
  log: Logger;
}

/**
 * One activity per sink (its own retry policy, and later its own task queue and rate): reads a chunk's
 * envelopes from staging and hands them to the sink. Permanent sink errors become non-retryable failures
 * carrying the sink's error type; everything else is retried by Temporal.
 */
export function createSinkChunk(sink: Sink, deps: SinkChunkDeps) {
  return (input: SinkChunkInput): Promise<SinkChunkResult> => withHeartbeat(() => sinkChunk(input));

  async function sinkChunk(input: SinkChunkInput): Promise<SinkChunkResult> {
    try {
      // Each sink remembers a successful prepare itself (onceUntilFailure): this is cheap after the first call.
      await sink.prepare();
      // A sub-range when the workflow bisects a chunk to find the records a sink rejects.
      const envelopes = await readChunkEnvelopes(deps.s3, deps.stagingBucket, input.fileId, input.chunk, input);
      const { written } = await sink.write({ ...input, envelopes });
      deps.log.debug('chunk written', {
        sink: sink.name,
        fileId: input.fileId,
        chunk: input.chunk,
        written,
        attempt: Context.current().info.attempt,
      });
      return { sink: sink.name, chunk: input.chunk, written };
    } catch (e) {
      if (e instanceof PermanentSinkError) throw failure(e.message, e.type, { sink: e.sink });
      // Retryable (the condition may clear within the window); the workflow parks it under this type after.
      if (e instanceof SystemicSinkError) throw failure(e.message, e.type, { sink: e.sink, reason: e.reason });
      throw e;
    }
  }
}
