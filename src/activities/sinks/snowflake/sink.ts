import snowflake from 'snowflake-sdk';
import type { SluiceConfig } from '../../../config/load';
import { execSql, snowflakeConnectionOptions } from '../../../shared/clients';
import type { Envelope } from '../../../transforms/envelope';
import type { EnvelopeBatch, Sink, SinkWriteResult } from '../sink';
import { AdaptiveThrottle, ThrottledError } from '../throttle';
import { onceUntilFailure } from '../util';
import { classifySnowflakeError, type SdkError } from './errors';
import { snowflakeSpec } from './spec';

type SnowflakeConfig = SluiceConfig['snowflake'];

export interface SnowflakeSinkDeps {
  cfg: SnowflakeConfig;
  /** Paces this process's writes by the account's push-back (429s, queued or timed-out statements). */
  throttle?: AdaptiveThrottle;
}

/** Plain names stay unquoted (Snowflake upper-cases them, as everywhere else); others are quoted verbatim. */
export function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export const tableName = (cfg: SnowflakeConfig) => `${ident(cfg.database)}.${ident(cfg.schema)}.${ident(cfg.table)}`;

const COLUMNS = [
  ['ROW_ID', 'VARCHAR NOT NULL'],
  ['FILE_ID', 'VARCHAR NOT NULL'],
  ['LINE', 'NUMBER NOT NULL'],
  ['TENANT', 'VARCHAR'],
  ['LOG_TYPE', 'VARCHAR'],
  ['EVENT_TIME', 'TIMESTAMP_NTZ'],
  ['EVENT_TIME_SOURCE', 'VARCHAR'],
  ['INGEST_TIME', 'TIMESTAMP_NTZ'],
  ['SOURCE_BUCKET', 'VARCHAR'],
  ['SOURCE_KEY', 'VARCHAR'],
  ['SOURCE_ETAG', 'VARCHAR'],
  ['CHUNK', 'NUMBER'],
  ['INDICATORS', 'VARIANT'],
  ['EVENT', 'VARIANT'],
  // The normalized fields (transforms/normalized-fields.ts), typed; added to older tables by the migration.
  ['SRC_IP', 'VARCHAR'],
  ['SRC_PORT', 'NUMBER'],
  ['DST_IP', 'VARCHAR'],
  ['DST_PORT', 'NUMBER'],
  ['USER_NAME', 'VARCHAR'],
  ['ACTION', 'VARCHAR'],
  ['OUTCOME', 'VARCHAR'],
  ['CLOUD_ACCOUNT', 'VARCHAR'],
  ['CLOUD_REGION', 'VARCHAR'],
  ['OCSF_CLASS', 'VARCHAR'],
  ['OCSF_CLASS_UID', 'NUMBER'],
] as const;
/** Columns a table made before the normalized fields lacks. */
const ADDED_COLUMNS = COLUMNS.slice(COLUMNS.findIndex(([c]) => c === 'SRC_IP'));

/** How each element of a row's JSON array becomes its column's type. */
const CONVERT: Record<(typeof COLUMNS)[number][1], (v: string) => string> = {
  'VARCHAR NOT NULL': (v) => `${v}::VARCHAR`,
  'NUMBER NOT NULL': (v) => `${v}::NUMBER`,
  VARCHAR: (v) => `${v}::VARCHAR`,
  NUMBER: (v) => `${v}::NUMBER`,
  TIMESTAMP_NTZ: (v) => `TO_TIMESTAMP_NTZ(${v}::VARCHAR)`,
  VARIANT: (v) => v,
};

// The `Z` is dropped so the wall-clock UTC time is stored, whatever zone handling the server applies to NTZ.
const ntz = (iso: string) => iso.replace(/Z$/, '');

/** One row as a JSON array in column order; VARIANT columns stay nested JSON, not strings. */
export function rowJson(fileId: string, e: Envelope): string {
  const s = e.source;
  // Envelopes staged before normalized fields existed have none.
  const f = e.fields ?? {};
  return JSON.stringify([
    e.row_id,
    fileId,
    s.line,
    e.tenant,
    e.log_type,
    ntz(e.event_time),
    e.event_time_source,
    ntz(e.ingest_time),
    s.bucket,
    s.key,
    s.etag,
    s.chunk,
    e.indicators,
    e.event,
    f.src_ip ?? null,
    f.src_port ?? null,
    f.dst_ip ?? null,
    f.dst_port ?? null,
    f.user ?? null,
    f.action ?? null,
    f.outcome ?? null,
    f.cloud_account ?? null,
    f.cloud_region ?? null,
    f.ocsf_class ?? null,
    f.ocsf_class_uid ?? null,
  ]);
}

/**
 * One statement inserting every row of one bind: a JSON array of row arrays, flattened server-side. A handful
 * of binds instead of one per value keeps the statement text tiny whatever the row count, which is what makes
 * bulk loads fast (the emulator parses statement text slowly; Snowflake caps binds per statement).
 */
export function insertSql(table: string): string {
  const select = COLUMNS.map(([, type], i) => CONVERT[type](`r.value[${i}]`));
  return `INSERT INTO ${table} (${COLUMNS.map(([c]) => c).join(', ')}) SELECT ${select.join(', ')} FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) r`;
}

/** A Snowflake string bind holds at most 16 MiB; batches stay well under it. */
const MAX_BIND_BYTES = 8 * 1024 * 1024;

/**
 * Groups rows (already JSON) into batches under the bind size and row caps, each a JSON array text. Lazy: a
 * batch is made when the caller is ready for it, so only one statement's rows are held at a time.
 */
export function* rowBatches(rows: Iterable<string>, maxRows: number, maxBytes = MAX_BIND_BYTES): Generator<string> {
  let current: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const size = Buffer.byteLength(row) + 1;
    if (current.length && (current.length >= maxRows || bytes + size > maxBytes)) {
      yield `[${current.join(',')}]`;
      current = [];
      bytes = 2;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length) yield `[${current.join(',')}]`;
}

function* rowsOf(batch: EnvelopeBatch): Generator<string> {
  for (const e of batch.envelopes) yield rowJson(batch.fileId, e);
}

export function createSnowflakeSink(deps: SnowflakeSinkDeps): Sink {
  const { cfg } = deps;
  const throttle =
    deps.throttle ?? new AdaptiveThrottle({ name: 'snowflake', maxConcurrent: snowflakeSpec.concurrency });
  const table = tableName(cfg);
  // The driver logs at INFO to stdout and a file by default; Sluice's own logs say what matters.
  snowflake.configure({ logLevel: 'ERROR', additionalLogToConsole: false } as snowflake.ConfigureOptions);
  // A connection per activity at a time: concurrent writes never share a session, hence never a transaction.
  const pool = snowflake.createPool(snowflakeConnectionOptions(cfg), {
    max: 4,
    min: 0,
    // A heartbeat before lending a connection replaces sessions that expired while idle.
    testOnBorrow: true,
    acquireTimeoutMillis: 60_000,
  });

  // The pool keeps why it could not connect to itself and times the borrow out; the attempt should say why.
  let lastConnectError: Error | undefined;
  (pool as unknown as NodeJS.EventEmitter).on('factoryCreateError', (e: Error) => {
    lastConnectError = e;
  });

  async function acquire(): Promise<snowflake.Connection> {
    try {
      const conn = await pool.acquire();
      lastConnectError = undefined;
      return conn;
    } catch (e) {
      if (!lastConnectError) throw e;
      throw Object.assign(new Error(`cannot connect: ${lastConnectError.message}`, { cause: e }), {
        code: (lastConnectError as SdkError).code,
      });
    }
  }

  /** Runs `fn` on a pooled connection. After a failure its session state is unknown, so it is not reused. */
  async function withConnection<T>(fn: (conn: snowflake.Connection) => Promise<T>): Promise<T> {
    const conn = await acquire();
    try {
      const result = await fn(conn);
      await pool.release(conn);
      return result;
    } catch (e) {
      await pool.destroy(conn);
      throw e;
    }
  }

  async function migrate(): Promise<void> {
    const columns = COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
    if (cfg.migrate === false) {
      // A least-privilege role cannot create databases: check the table is there and writable by its columns.
      await withConnection(async (conn) => {
        try {
          await execSql(conn, `SELECT ${COLUMNS.map(([c]) => c).join(', ')} FROM ${table} LIMIT 0`);
        } catch (e) {
          throw Object.assign(
            new Error(
              `${table} is not readable with all of Sluice's columns and SLUICE_SNOWFLAKE_MIGRATE=false, so Sluice does not create it (see the README's Snowflake grants): ${(e as Error).message}`,
            ),
            { code: (e as SdkError).code, sqlState: (e as SdkError).sqlState },
          );
        }
      });
      return;
    }
    await withConnection(async (conn) => {
      await execSql(conn, `CREATE DATABASE IF NOT EXISTS ${ident(cfg.database)}`);
      await execSql(conn, `CREATE SCHEMA IF NOT EXISTS ${ident(cfg.database)}.${ident(cfg.schema)}`);
      await execSql(conn, `CREATE TABLE IF NOT EXISTS ${table} (${columns})`);
      for (const [c, t] of ADDED_COLUMNS)
        await execSql(conn, `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${c} ${t}`);
    });
  }

  async function write(batch: EnvelopeBatch): Promise<SinkWriteResult> {
    const per = cfg.rowsPerStatement;
    return withConnection(async (conn) => {
      await execSql(conn, 'BEGIN');
      try {
        // Keyed by line range rather than chunk number: another chunking of the same file replaces these rows too.
        await execSql(conn, `DELETE FROM ${table} WHERE FILE_ID = ? AND LINE BETWEEN ? AND ?`, [
          batch.fileId,
          batch.firstLine,
          batch.lastLine,
        ]);
        let written = 0;
        for (const json of rowBatches(rowsOf(batch), per))
          written += (await execSql(conn, insertSql(table), [json])).updated;
        await execSql(conn, 'COMMIT');
        return { written };
      } catch (e) {
        // Best effort: the connection is discarded anyway, and logging out also ends the transaction.
        await execSql(conn, 'ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  return {
    name: 'snowflake',
    prepare: onceUntilFailure(async () => {
      try {
        await migrate();
      } catch (e) {
        throw classifySnowflakeError(e, `creating ${table}`);
      }
    }),
    async write(batch) {
      try {
        const result = await throttle.run(() => write(batch));
        throttle.succeeded();
        return result;
      } catch (e) {
        const err = classifySnowflakeError(e, `writing lines ${batch.firstLine}-${batch.lastLine} of ${batch.fileId}`);
        // The transaction was rolled back; Temporal retries the whole batch, after the pause this sets.
        if (err instanceof ThrottledError) throttle.throttled(err.message);
        throw err;
      }
    },
    async close() {
      await pool.drain();
      await pool.clear();
    },
  };
}
