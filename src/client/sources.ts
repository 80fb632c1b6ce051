import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../cli/errors';
import type { SluiceConfig } from '../config/load';
import type { FileRef } from '../contracts/ingest';

const stripQuotes = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1] as string, key: m[2] as string } : undefined;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Where a local file is uploaded: by content, so the same bytes always land at the same key (and ETag). */
export async function landingKeyFor(localPath: string, tenant: string): Promise<string> {
  return `uploads/${tenant}/${(await sha256OfFile(localPath)).slice(0, 16)}/${path.basename(localPath)}`;
}

function checkLocalFile(localPath: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(localPath);
  } catch {
    throw new UsageError(`${localPath}: no such file`);
  }
  if (!stat.isFile()) throw new UsageError(`${localPath}: not a regular file`);
  return stat.size;
}

async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ etag: string; size?: number } | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: stripQuotes(head.ETag), size: head.ContentLength };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (e as Error).name === 'NotFound') return undefined;
    throw e;
  }
}

/**
 * Turns a CLI argument into the exact object version to ingest: an s3:// URI is looked up (it must exist), a
 * local file is uploaded to the landing bucket first (skipped when those bytes are already there).
 */
export async function resolveSource(
  arg: string,
  ctx: { s3: S3Client; cfg: SluiceConfig; tenant: string; logType: string; upload: boolean },
): Promise<FileRef> {
  const uri = parseS3Uri(arg);
  if (uri) {
    const head = await headObject(ctx.s3, uri.bucket, uri.key);
    if (!head) throw new UsageError(`${arg} does not exist`);
    return { ...uri, etag: head.etag, tenant: ctx.tenant, logType: ctx.logType, size: head.size };
  }
  if (arg.startsWith('s3://')) throw new UsageError(`${arg}: expected s3://bucket/key`);
  const size = checkLocalFile(arg);
  const bucket = ctx.cfg.s3.landingBucket;
  const key = await landingKeyFor(arg, ctx.tenant);
  let etag = (await headObject(ctx.s3, bucket, key))?.etag;
  if (!etag) {
    if (!ctx.upload) throw new UsageError(`${arg} has not been ingested (not found in s3://${bucket}/${key})`);
    const put = await ctx.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(arg), ContentLength: size }),
    );
    etag = stripQuotes(put.ETag);
  }
  return { bucket, key, etag, tenant: ctx.tenant, logType: ctx.logType, size };
}
