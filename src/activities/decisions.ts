import { CopyObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineRejectedInput, RecordDecisionInput } from '../contracts/ingest';
import type { Logger } from '../shared/log';
import { readChunkEnvelopes } from './envelope-codec';
import { fileIdOf, quarantine, sourceUri, staging } from './layout';

export interface DecisionDeps {
  s3: S3Client;
  stagingBucket: string;
  quarantineBucket: string;
  log: Logger;
}

/** Quarantine and audit: what a person or the bisection decided, written where it can be found and replayed. */
export function createDecisionActivities(deps: DecisionDeps) {
  const readEnvelopes = (fileId: string, chunk: number) =>
    readChunkEnvelopes(deps.s3, deps.stagingBucket, fileId, chunk);

  return {
    /** The full envelopes of records a sink rejected, with the sink's reason: replayable after a fix. */
    async quarantineRejected(input: QuarantineRejectedInput): Promise<number> {
      const reasons = new Map(input.rejects.map((r) => [r.line, r.error]));
      const entries = [...(await readEnvelopes(input.fileId, input.chunk))]
        .filter((e) => reasons.has(e.source.line))
        .map((e) => ({
          source: sourceUri(input.file),
          etag: input.file.etag,
          tenant: input.file.tenant,
          log_type: input.file.logType,
          file_id: input.fileId,
          stage: `sink:${input.sink}`,
          chunk: input.chunk,
          line: e.source.line,
          reason: reasons.get(e.source.line),
          envelope: e,
        }));
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.quarantineBucket,
          Key: quarantine.sinkRejects(input.file.tenant, input.fileId, input.sink, input.chunk),
          Body: `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`,
          ContentType: 'application/x-ndjson',
        }),
      );
      return entries.length;
    },

    /**
     * Writes the audit record of a decision. A drop also copies the affected chunks into quarantine, so the
     * dropped records stay findable (the source object itself is never touched).
     */
    async recordDecision(input: RecordDecisionInput): Promise<string> {
      const { file, decision } = input;
      // Derived here, not passed: a split that failed never told the workflow its file id.
      const fileId = fileIdOf(file);
      const copied: string[] = [];
      if (decision.kind === 'drop') {
        for (const chunk of decision.chunks) {
          const key = quarantine.droppedChunk(file.tenant, fileId, chunk);
          await deps.s3.send(
            new CopyObjectCommand({
              Bucket: deps.quarantineBucket,
              Key: key,
              CopySource: `${deps.stagingBucket}/${staging.chunk(fileId, chunk)}`,
            }),
          );
          copied.push(`s3://${deps.quarantineBucket}/${key}`);
        }
      }
      const audit = {
        kind: decision.kind,
        who: decision.by ?? null,
        when: decision.at,
        why: decision.reason ?? null,
        what: {
          source: sourceUri(file),
          etag: file.etag,
          tenant: file.tenant,
          log_type: file.logType,
          file_id: fileId,
          stage: decision.stage,
          chunks: decision.chunks,
          records: input.records,
          error: input.error,
          // A dropped split means the whole file: it stays where it is, in the source bucket.
          kept_at: decision.stage === 'split' ? [sourceUri(file)] : copied,
        },
      };
      const key = quarantine.audit(
        file.tenant,
        fileId,
        decision.at.replace(/[:.]/g, '-'),
        `${decision.kind}-${decision.awaitingId}`,
      );
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.quarantineBucket,
          Key: key,
          Body: JSON.stringify(audit, null, 2),
          ContentType: 'application/json',
        }),
      );
      deps.log.info('decision recorded', {
        fileId,
        kind: decision.kind,
        by: decision.by,
        stage: decision.stage,
        audit: key,
      });
      return `s3://${deps.quarantineBucket}/${key}`;
    },
  };
}
