import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { RECORD_REJECTION_TYPES, WORKFLOW_ERROR_TYPES } from '../contracts/errors';
import type { PoisonRecord, SinkChunkInput, SinkChunkResult } from '../contracts/ingest';

/** The sink's own message when a failure is one a single record can cause, else undefined. */
export function recordRejection(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  return (RECORD_REJECTION_TYPES as readonly string[]).includes(err.cause.type ?? '') ? err.cause.message : undefined;
}

/**
 * Writes lines [from, to] of a chunk; when the sink rejects it for a reason a single record can cause, splits
 * the range in halves until the rejected records stand alone (about log2(records) levels), so every other
 * record lands. More than `maxPoison` rejected records means the cause is not the records: it stops and
 * throws `TooManyRejected`, and the workflow asks a person.
 */
export async function writeBisecting(
  write: (input: SinkChunkInput) => Promise<SinkChunkResult>,
  target: SinkChunkInput,
  maxPoison: number,
): Promise<{ written: number; poison: PoisonRecord[] }> {
  const poison: PoisonRecord[] = [];
  const attempt = async (from: number, to: number): Promise<number> => {
    try {
      return (await write({ ...target, firstLine: from, lastLine: to })).written;
    } catch (err) {
      const rejection = recordRejection(err);
      if (rejection === undefined) throw err;
      if (from === to) {
        poison.push({ line: from, error: rejection });
        if (poison.length > maxPoison) {
          throw ApplicationFailure.create({
            type: WORKFLOW_ERROR_TYPES.tooManyRejected,
            message: `more than ${maxPoison} records of chunk ${target.chunk} were rejected one by one (first: line ${poison[0]?.line}: ${poison[0]?.error}); this looks systemic, not a few bad records`,
          });
        }
        return 0;
      }
      const mid = Math.floor((from + to) / 2);
      // In order, not in parallel: the poison budget stops the search as soon as it is spent.
      return (await attempt(from, mid)) + (await attempt(mid + 1, to));
    }
  };
  const written = await attempt(target.firstLine, target.lastLine);
  return { written, poison };
}
