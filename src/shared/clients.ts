import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import snowflake from 'snowflake-sdk';
import type { SluiceConfig } from '../config/load';

/** Client factories: one place that turns configuration into real, connected clients. */

export function createS3(cfg: SluiceConfig['s3']): S3Client {
  return new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    // The SDK's own retries are kept small: Temporal's activity retries are the durable ones.
    maxAttempts: 3,
  });
}

export function createOpenSearch(cfg: SluiceConfig['opensearch']): OpenSearchClient {
  return new OpenSearchClient({
    node: cfg.url,
    auth: cfg.username ? { username: cfg.username, password: cfg.password } : undefined,
    maxRetries: 0,
    requestTimeout: 60_000,
  });
}

let snowflakeConfigured = false;

/** Connection options for one connection or a pool. */
export function snowflakeConnectionOptions(cfg: SluiceConfig['snowflake']): snowflake.ConnectionOptions {
  return {
    account: cfg.account,
    username: cfg.username,
    password: cfg.password,
    database: cfg.database,
    schema: cfg.schema,
    warehouse: cfg.warehouse || undefined,
    accessUrl: cfg.accessUrl || undefined,
    application: 'sluice',
    // The driver would retry a refused login 7 times with backoff, longer than a pooled borrow waits: fail the
    // attempt soon and let Temporal's backoff (and `sluice status`) own the outage.
    sfRetryMaxLoginRetries: 2,
  } as snowflake.ConnectionOptions;
}

/** Opens a Snowflake connection with the real snowflake-sdk; the caller destroys it. */
export async function connectSnowflake(cfg: SluiceConfig['snowflake']): Promise<snowflake.Connection> {
  if (!snowflakeConfigured) {
    // The SDK logs at INFO to stdout by default; Sluice's own logs say what matters.
    snowflake.configure({ logLevel: 'ERROR', additionalLogToConsole: false } as snowflake.ConfigureOptions);
    snowflakeConfigured = true;
  }
  const conn = snowflake.createConnection(snowflakeConnectionOptions(cfg));
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  return conn;
}

export interface SqlResult {
  rows: Record<string, unknown>[];
  updated: number;
}

export function execSql(conn: snowflake.Connection, sqlText: string, binds: snowflake.Binds = []): Promise<SqlResult> {
  return new Promise((resolve, reject) =>
    conn.execute({
      sqlText,
      binds,
      complete: (err, stmt, rows) =>
        err
          ? reject(err)
          : resolve({ rows: (rows ?? []) as Record<string, unknown>[], updated: stmt.getNumUpdatedRows() ?? 0 }),
    }),
  );
}

export function destroySnowflake(conn: snowflake.Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

/** Every key under a prefix, across pages. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** A whole object's body (for objects known to be small: chunks, quarantine entries, audit records). */
export async function getObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (obj.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}
