import { createHash } from 'node:crypto';
import type { FileRef } from '../contracts/ingest';

/**
 * Where everything of one file version lives. All keys are deterministic, so a retried activity overwrites
 * what an earlier attempt wrote instead of adding to it.
 */
export function fileIdOf(file: FileRef): string {
  return createHash('sha256')
    .update([file.tenant, file.bucket, file.key, file.etag].join('\0'))
    .digest('hex')
    .slice(0, 24);
}

const pad = (n: number) => String(n).padStart(6, '0');

export const staging = {
  /** Lines firstLine..lastLine of the decompressed file, verbatim, over-long lines blanked. */
  chunk: (fileId: string, chunk: number) => `files/${fileId}/chunks/${pad(chunk)}.ndjson`,
  /** The chunk's normalized envelopes, gzip NDJSON: what every sink reads. */
  envelopes: (fileId: string, chunk: number) => `files/${fileId}/envelopes/${pad(chunk)}.ndjson.gz`,
};

export const quarantine = {
  /** Records of one chunk that could not be parsed. */
  chunkRecords: (tenant: string, fileId: string, chunk: number) =>
    `records/${tenant}/${fileId}/chunk-${pad(chunk)}.ndjson`,
  /** Envelopes one sink rejected by themselves (isolated by bisection). */
  sinkRejects: (tenant: string, fileId: string, sink: string, chunk: number) =>
    `records/${tenant}/${fileId}/rejected-${sink}-chunk-${pad(chunk)}.ndjson`,
  /** A chunk dropped by a person's decision: its lines, verbatim. */
  droppedChunk: (tenant: string, fileId: string, chunk: number) =>
    `records/${tenant}/${fileId}/dropped/chunk-${pad(chunk)}.ndjson`,
  /** Who decided what, when and why. */
  audit: (tenant: string, fileId: string, at: string, kind: string) => `audit/${tenant}/${fileId}/${at}-${kind}.json`,
  /** One record over the size limit, found while splitting. */
  oversize: (tenant: string, fileId: string, line: number) => `records/${tenant}/${fileId}/oversize-line-${line}.json`,
};

export const sourceUri = (file: Pick<FileRef, 'bucket' | 'key'>) => `s3://${file.bucket}/${file.key}`;
