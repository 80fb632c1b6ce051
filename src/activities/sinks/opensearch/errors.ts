import { errors } from '@opensearch-project/opensearch';
import { PermanentSinkError } from '../sink';
import type { opensearchSpec } from './spec';

/** OpenSearch's answers sorted by what a retry can do about them (the classes are declared in ./spec.ts). */

type OpenSearchErrorType = keyof typeof opensearchSpec.errors;

export type BulkItem = { _index: string; _id?: string; status: number; error?: { type?: string; reason?: string } };

export const retryable = (status: number) => status === 429 || status >= 500;
/** The cluster saying "not so fast": rejected execution, tripped breaker, node overloaded. */
export const pushBack = (status: number) => status === 429 || status === 503;

/** HTTP 429/5xx and connection failures are transient; any other refusal of the request is not. */
export function transportError(e: unknown, what: string, permanentType: OpenSearchErrorType): unknown {
  if (!(e instanceof errors.ResponseError)) {
    return new Error(`opensearch: ${what} failed: ${(e as Error).message}`, { cause: e });
  }
  const detail = `HTTP ${e.statusCode}: ${JSON.stringify(e.body?.error ?? e.body ?? e.message).slice(0, 500)}`;
  if (retryable(e.statusCode)) return new Error(`opensearch: ${what} failed with ${detail}`, { cause: e });
  return new PermanentSinkError('opensearch', `${what} rejected with ${detail}`, permanentType);
}

export function itemError(item: BulkItem, op: { rowId: string }): PermanentSinkError {
  const reason = `${item.error?.type ?? 'unknown'}: ${item.error?.reason ?? `HTTP ${item.status}`}`;
  const where = `index ${item._index}, row_id ${op.rowId}`;
  // A 400 is the document not fitting the index's mapping; no retry changes that.
  return item.status === 400
    ? new PermanentSinkError('opensearch', `mapping conflict in ${where}: ${reason}`, 'MappingConflict')
    : new PermanentSinkError('opensearch', `document rejected in ${where}: ${reason}`, 'DocumentRejected');
}
