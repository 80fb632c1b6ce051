import { errors } from '@opensearch-project/opensearch';
import { PermanentSinkError, SystemicSinkError } from '../sink';
import type { opensearchSpec } from './spec';

/** OpenSearch's answers sorted by what a retry can do about them (the classes are declared in ./spec.ts). */

type OpenSearchErrorType = keyof typeof opensearchSpec.errors;

export type BulkItem = { _index: string; _id?: string; status: number; error?: { type?: string; reason?: string } };

export const retryable = (status: number) => status === 429 || status >= 500;
/** The cluster saying "not so fast": rejected execution, tripped breaker, node overloaded. */
export const pushBack = (status: number) => status === 429 || status === 503;

/**
 * Refusals of the cluster, not of a document: blocks (read-only, disk flood stage), the shard limit (a
 * validation_exception creating the day's index), a closed or missing index (auto-create off), security.
 */
const SYSTEMIC_TYPES = new Set([
  'cluster_block_exception',
  'validation_exception',
  'index_closed_exception',
  'index_not_found_exception',
  'security_exception',
]);
const systemic = (status: number, type: string) =>
  SYSTEMIC_TYPES.has(type) || status === 401 || status === 403 || status === 404;

/** HTTP 429/5xx and connection failures are transient; any other refusal of the request is not. */
export function transportError(e: unknown, what: string, permanentType: OpenSearchErrorType): unknown {
  if (!(e instanceof errors.ResponseError)) {
    return new Error(`opensearch: ${what} failed: ${(e as Error).message}`, { cause: e });
  }
  const detail = `HTTP ${e.statusCode}: ${JSON.stringify(e.body?.error ?? e.body ?? e.message).slice(0, 500)}`;
  if (retryable(e.statusCode)) return new Error(`opensearch: ${what} failed with ${detail}`, { cause: e });
  const type = (e.body?.error as { type?: string } | undefined)?.type ?? '';
  if (systemic(e.statusCode, type))
    return new SystemicSinkError(
      'opensearch',
      `${what} refused by the cluster with ${detail}`,
      type || `HTTP ${e.statusCode}`,
    );
  return new PermanentSinkError('opensearch', `${what} rejected with ${detail}`, permanentType);
}

export function itemError(item: BulkItem, op: { rowId: string }): PermanentSinkError | SystemicSinkError {
  const reason = `${item.error?.type ?? 'unknown'}: ${item.error?.reason ?? `HTTP ${item.status}`}`;
  const where = `index ${item._index}, row_id ${op.rowId}`;
  if (systemic(item.status, item.error?.type ?? ''))
    return new SystemicSinkError(
      'opensearch',
      `the cluster refuses writes to ${item._index} (HTTP ${item.status} ${reason}); no record is at fault`,
      item.error?.type ?? `HTTP ${item.status}`,
    );
  // A 400 is the document not fitting the index's mapping; no retry changes that.
  return item.status === 400
    ? new PermanentSinkError('opensearch', `mapping conflict in ${where}: ${reason}`, 'MappingConflict')
    : new PermanentSinkError('opensearch', `document rejected in ${where}: ${reason}`, 'DocumentRejected');
}
