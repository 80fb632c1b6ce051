import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReplayRejectedInput, ReplayRejectedResult, SinkName } from '../contracts/ingest';
import { getObjectBytes } from '../shared/clients';
import type { Envelope } from '../transforms/envelope';
import { PermanentSinkError, type Sink } from './sinks/sink';

interface RejectedEntry {
  file_id: string;
  envelope: Envelope;
  reason: string;
}

/**
 * Re-sends the envelopes one sink rejected to that sink only, with their original row ids, one record at a
 * time (their lines are scattered). Records the sink still rejects stay in the quarantine object; those that
 * land leave it.
 */
export function createReplayRejected(deps: { s3: S3Client; quarantineBucket: string; sinks: Record<SinkName, Sink> }) {
  return async function replayRejected(input: ReplayRejectedInput): Promise<ReplayRejectedResult> {
    const sink = deps.sinks[input.sink];
    await sink.prepare();
    const text = (await getObjectBytes(deps.s3, deps.quarantineBucket, input.key)).toString('utf8');
    const entries = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RejectedEntry);
    const remaining: typeof entries = [];
    let written = 0;
    for (const entry of entries) {
      const e = entry.envelope;
      try {
        const r = await sink.write({
          fileId: entry.file_id,
          chunk: e.source.chunk,
          firstLine: e.source.line,
          lastLine: e.source.line,
          envelopes: [e],
        });
        written += r.written;
      } catch (err) {
        if (!(err instanceof PermanentSinkError)) throw err;
        remaining.push({ ...entry, reason: err.message });
      }
    }
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.quarantineBucket,
        Key: input.key,
        Body: remaining.length ? `${remaining.map((r) => JSON.stringify(r)).join('\n')}\n` : '',
        ContentType: 'application/x-ndjson',
      }),
    );
    return { written, stillRejected: remaining.length };
  };
}
