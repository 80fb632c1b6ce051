import type { FileRef } from '../contracts/ingest';
import { decodeUtf8Strict } from '../transforms/utf8';
import { sourceUri } from './layout';

/** One quarantined record: enough to find it in the source, understand why, and replay it after a fix. */
export interface QuarantineEntry {
  source: string;
  etag: string;
  tenant: string;
  log_type: string;
  file_id: string;
  stage: 'split' | 'process';
  chunk?: number;
  line: number;
  /** Byte offset of the record in the decompressed file, where known. */
  offset?: number;
  bytes: number;
  reason: string;
  /** The record as text, or base64 when it is not valid UTF-8 (nothing is lost either way). */
  record?: string;
  record_base64?: string;
  truncated?: boolean;
}

export function quarantineEntry(
  file: FileRef,
  fileId: string,
  at: { stage: QuarantineEntry['stage']; chunk?: number; line: number; offset?: number; bytes: number },
  reason: string,
  raw: Buffer,
  truncated = false,
): QuarantineEntry {
  const text = decodeUtf8Strict(raw);
  return {
    source: sourceUri(file),
    etag: file.etag,
    tenant: file.tenant,
    log_type: file.logType,
    file_id: fileId,
    ...at,
    reason,
    ...(text === undefined ? { record_base64: raw.toString('base64') } : { record: text }),
    ...(truncated ? { truncated } : {}),
  };
}
