import { createPrivateKey } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import snowflake from 'snowflake-sdk';
import type { SluiceConfig } from '../config/load';
import { readPem } from './pem';
import { applyBucketPolicy } from './s3-write-policy';

/** Client factories: one place that turns configuration into real, connected clients. */

export function createS3(cfg: SluiceConfig['s3']): S3Client {
  const ca = readPem(cfg.tlsCa, 'SLUICE_S3_TLS_CA');
  const s3 = new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    // No keys: the SDK's default chain (ECS task role, AWS_* environment, shared profile, instance role), which
    // also refreshes temporary credentials before they expire.
    ...(cfg.accessKeyId ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } } : {}),
    ...(ca ? { requestHandler: { httpsAgent: new HttpsAgent({ ca, keepAlive: true }) } } : {}),
    // The SDK's own retries are kept small: Temporal's activity retries are the durable ones.
    maxAttempts: 3,
  });
  applyBucketPolicy(s3, { kmsKeyId: cfg.kmsKeyId, expectedBucketOwner: cfg.expectedBucketOwner });
  return s3;
}

export function createOpenSearch(cfg: SluiceConfig['opensearch']): OpenSearchClient {
  const ca = readPem(cfg.tlsCa, 'SLUICE_OPENSEARCH_TLS_CA');
  return new OpenSearchClient({
    // The client's own signer: it signs each request (body hash included) as it is sent, so retries and
    // refreshed task-role credentials are handled by the library, not by Sluice.
    ...(cfg.sigv4Service
      ? AwsSigv4Signer({ region: cfg.region, service: cfg.sigv4Service, getCredentials: defaultProvider() })
      : {}),
    node: cfg.url,
    auth: cfg.username ? { username: cfg.username, password: cfg.password } : undefined,
    ...(ca ? { ssl: { ca } } : {}),
    maxRetries: 0,
    requestTimeout: 60_000,
  });
}

let snowflakeConfigured = false;

/** Connection options for one connection or a pool. */
export function snowflakeConnectionOptions(cfg: SluiceConfig['snowflake']): snowflake.ConnectionOptions {
  const key = readPem(cfg.privateKey, 'SLUICE_SNOWFLAKE_PRIVATE_KEY');
  const auth = key
    ? {
        authenticator: 'SNOWFLAKE_JWT',
        // Decrypted here so the key may come as text or file, encrypted or not; the driver signs its JWT with it.
        privateKey: decryptPrivateKey(key, cfg.privateKeyPassphrase),
      }
    : { password: cfg.password };
  return {
    account: cfg.account,
    username: cfg.username,
    ...auth,
    role: cfg.role || undefined,
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

function decryptPrivateKey(pem: Buffer, passphrase: string): string {
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(passphrase ? { passphrase } : {}) })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
  } catch (e) {
    // The crypto error names the problem (bad decrypt, unsupported format), never the key.
    throw new SnowflakeKeyError(
      `SLUICE_SNOWFLAKE_PRIVATE_KEY: cannot load the private key${passphrase ? ' with SLUICE_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE' : ''}: ${(e as Error).message}`,
    );
  }
}

export class SnowflakeKeyError extends Error {
  override name = 'SnowflakeKeyError';
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
