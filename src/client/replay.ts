import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SluiceConfig } from '../config/load';
import type { FileRef, IngestSummary, ReplayRejectedInput } from '../contracts/ingest';
import { isSinkName } from '../contracts/sinks';
import { getObjectBytes, listKeys } from '../shared/clients';

/** What quarantine holds for one file version. */
export interface QuarantinedFile {
  /** Records that never landed anywhere (did not parse, or over the size limit): raw bytes, one per line. */
  raw: Buffer[];
  /** Objects of envelopes one sink rejected (they landed in the other sinks). */
  rejected: ReplayRejectedInput[];
}

export async function readQuarantine(
  s3: S3Client,
  cfg: SluiceConfig,
  tenant: string,
  fileId: string,
): Promise<QuarantinedFile> {
  const bucket = cfg.s3.quarantineBucket;
  const out: QuarantinedFile = { raw: [], rejected: [] };
  for (const key of (await listKeys(s3, bucket, `records/${tenant}/${fileId}/`)).sort()) {
    const name = key.slice(key.lastIndexOf('/') + 1);
    const rejected = /^rejected-([a-z0-9]+)-chunk-\d+\.ndjson$/.exec(name)?.[1];
    if (rejected !== undefined && isSinkName(rejected)) {
      out.rejected.push({ key, sink: rejected });
      continue;
    }
    if (key.includes('/dropped/')) continue;
    const body = (await getObjectBytes(s3, bucket, key)).toString('utf8');
    const entries = name.endsWith('.json')
      ? [JSON.parse(body)]
      : body
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
    for (const e of entries as { record?: string; record_base64?: string; truncated?: boolean }[]) {
      // A record kept only in part cannot be replayed whole; it stays for a person.
      if (e.truncated) continue;
      out.raw.push(e.record !== undefined ? Buffer.from(e.record) : Buffer.from(e.record_base64 ?? '', 'base64'));
    }
  }
  return out;
}

/**
 * The quarantined raw records of a file as a new landing object, keyed by content: replaying the same
 * quarantine twice yields the same object, so the second ingest is refused like any duplicate.
 */
export async function stageRawReplay(
  s3: S3Client,
  cfg: SluiceConfig,
  summary: IngestSummary,
  original: FileRef,
  raw: Buffer[],
): Promise<FileRef> {
  const body = Buffer.concat(raw.flatMap((r) => [r, Buffer.from('\n')]));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const key = `replays/${original.tenant}/${summary.fileId}/${hash}.ndjson`;
  await s3.send(
    new PutObjectCommand({ Bucket: cfg.s3.landingBucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: cfg.s3.landingBucket, Key: key }));
  return {
    bucket: cfg.s3.landingBucket,
    key,
    etag: (head.ETag ?? '').replace(/"/g, ''),
    tenant: original.tenant,
    logType: original.logType,
  };
}
