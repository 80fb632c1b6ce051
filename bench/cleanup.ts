import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { tableName } from '../src/activities/sinks/snowflake/sink';
import { connectSnowflake, destroySnowflake, execSql, listKeys } from '../src/shared/clients';
import type { BenchContext } from './bench-context';

async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const keys = await listKeys(s3, bucket, prefix);
  // DeleteObjects takes at most 1000 keys a call.
  for (let i = 0; i < keys.length; i += 1000) {
    const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
  }
  return keys.length;
}

/** Deletes every index whose name starts with `prefix` (listed first: no wildcard deletes). */
export async function deleteIndices(ctx: BenchContext, prefix: string): Promise<void> {
  const res = await ctx.opensearch.cat.indices({ index: `${prefix}*`, format: 'json' });
  const names = (res.body as { index: string }[]).map((r) => r.index);
  if (names.length) await ctx.opensearch.indices.delete({ index: names.join(',') });
}

/**
 * Removes what a bench tenant left on the shared stack: its uploads, staging, processed objects, quarantine,
 * its OpenSearch indices and its Snowflake rows. A 2 GiB file leaves gigabytes in each; the next run (or
 * someone's tests) should not pay for them.
 */
export async function removeTenantData(ctx: BenchContext, tenant: string, fileIds: string[]): Promise<void> {
  const { s3, cfg } = ctx;
  await deletePrefix(s3, cfg.s3.landingBucket, `uploads/${tenant}/`);
  for (const fileId of fileIds) await deletePrefix(s3, cfg.s3.stagingBucket, `files/${fileId}/`);
  await deletePrefix(s3, cfg.s3.processedBucket, `tenant=${tenant}/`);
  await deletePrefix(s3, cfg.s3.quarantineBucket, `records/${tenant}/`);
  await deletePrefix(s3, cfg.s3.quarantineBucket, `audit/${tenant}/`);
  await deleteIndices(ctx, `${cfg.opensearch.indexPrefix}-${tenant}-`);
  const conn = await connectSnowflake(cfg.snowflake);
  try {
    await execSql(conn, `DELETE FROM ${tableName(cfg.snowflake)} WHERE TENANT = ?`, [tenant]);
  } finally {
    await destroySnowflake(conn);
  }
}
