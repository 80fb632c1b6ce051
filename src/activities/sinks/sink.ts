import { type SinkErrorType, SYSTEMIC_REFUSAL } from '../../contracts/errors';
import type { SinkName } from '../../contracts/sinks';
import type { Envelope } from '../../transforms/envelope';

/** The rows of one chunk of one file, all normalized. */
export interface EnvelopeBatch {
  fileId: string;
  chunk: number;
  /** 1-based line numbers in the decompressed file that this chunk covers (inclusive). */
  firstLine: number;
  lastLine: number;
  /**
   * The rows, in line order. Production batches decode them lazily as they are iterated: iterate once, and keep
   * what you need of each row (a string, a key), not the row, so a chunk is never held whole as objects.
   */
  envelopes: Iterable<Envelope>;
}

export interface SinkWriteResult {
  /** Rows the destination now holds for this batch (after the write, not counting earlier duplicates). */
  written: number;
}

/**
 * One destination. Contract: `write` is idempotent — writing the same batch again, or the same lines of the same
 * file cut into different chunks, leaves exactly one copy of every row (keyed by `row_id`).
 * Throw `PermanentSinkError` for failures a retry cannot fix (bad mapping, auth, validation); anything else
 * thrown is treated as transient and retried with backoff by Temporal.
 */
export interface Sink {
  readonly name: SinkName;
  /** Creates tables, templates… once per process; safe to call again. */
  prepare(): Promise<void>;
  write(batch: EnvelopeBatch): Promise<SinkWriteResult>;
  close(): Promise<void>;
}

export class PermanentSinkError extends Error {
  override name = 'PermanentSinkError';
  constructor(
    readonly sink: SinkName,
    message: string,
    /** A type the sink declares in its spec, with its class (permanent or record-level), e.g. "MappingConflict". */
    readonly type: SinkErrorType<'permanent' | 'record'>,
  ) {
    super(`${sink}: ${message}`);
  }
}

/**
 * The destination refuses everything for a reason of its own, not of any record: an OpenSearch cluster block
 * (read-only, disk watermark), the shard limit, a closed or missing index, a security refusal; a missing
 * Snowflake table or warehouse, a refused login; a missing S3 bucket or denied access. Retried within the
 * stage's window (the condition may clear), then parked as "SystemicRefusal"; never bisected or quarantined,
 * since no record is at fault.
 */
export class SystemicSinkError extends Error {
  override name = 'SystemicSinkError';
  readonly type = SYSTEMIC_REFUSAL;
  constructor(
    readonly sink: SinkName,
    message: string,
    /** What the destination refused with, e.g. "cluster_block_exception" or "BucketMissing". */
    readonly reason: string,
  ) {
    super(`${sink}: ${message}`);
  }
}
