import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSinkError, SystemicSinkError } from '../../src/activities/sinks/sink';
import { createSnowflakeSink, tableName } from '../../src/activities/sinks/snowflake/sink';
import { connectSnowflake, destroySnowflake, execSql } from '../../src/shared/clients';
import { type Envelope, getParser, normalize } from '../../src/transforms';
import { cfg, snowflakeQueryViaPython, type TestBatch, uniq } from '../helpers/env';

// A table of this test run only, in the configured database and schema.
const table = uniq('SINK_TEST').replace(/-/g, '_').toUpperCase();
const sfCfg = { ...cfg.snowflake, table, rowsPerStatement: 250 };
const fqn = tableName(sfCfg);
const sink = createSnowflakeSink({ cfg: sfCfg });
const extraTables: string[] = [];

const BASE = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

function batch(tenant: string, fileId: string, firstLine: number, lastLine: number, chunk = 0): TestBatch {
  const envelopes: Envelope[] = [];
  for (let line = firstLine; line <= lastLine; line++) {
    const record = {
      ts: new Date(BASE + line * 1000).toISOString(),
      uid: `C${line}`,
      'id.orig_h': `10.2.${line >> 8}.${line & 255}`,
      'id.resp_h': '203.0.113.7',
      'id.resp_p': 443,
      note: 'quote \' and "double" and unicode é ✓',
    };
    const source = { bucket: cfg.s3.landingBucket, key: `${tenant}/conn.log`, etag: 'e1', chunk, line };
    const time = new Date(Date.UTC(2024, 0, 3, 0, 0, 0, 123));
    const parser = getParser('zeek');
    envelopes.push(normalize({ record, parser, tenant, fileId, source, fileTime: time, ingestTime: time }));
  }
  return { fileId, chunk, firstLine, lastLine, envelopes };
}

async function viaNode<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const conn = await connectSnowflake(cfg.snowflake);
  try {
    return (await execSql(conn, sql)).rows as T[];
  } finally {
    await destroySnowflake(conn);
  }
}

/** Rows and distinct row ids of one file, through both the Node SDK and the Python connector. */
async function counts(fileId: string): Promise<{ node: [number, number]; python: [number, number] }> {
  const sql = `SELECT COUNT(*) AS N, COUNT(DISTINCT ROW_ID) AS D FROM ${fqn} WHERE FILE_ID = '${fileId}'`;
  const [n] = await viaNode<{ N: number; D: number }>(sql);
  const [p] = snowflakeQueryViaPython(sql) as { N: number; D: number }[];
  return { node: [Number(n?.N), Number(n?.D)], python: [Number(p?.N), Number(p?.D)] };
}

beforeAll(() => sink.prepare());

afterAll(async () => {
  await sink.close();
  for (const t of [fqn, ...extraTables]) await viaNode(`DROP TABLE IF EXISTS ${t}`);
});

describe('Snowflake sink (fakesnow through snowflake-sdk)', () => {
  it('prepare is repeatable: the migration runs once per sink and IF NOT EXISTS makes it safe anyway', async () => {
    await sink.prepare();
    await createSnowflakeSink({ cfg: sfCfg }).prepare();
    const cols = await viaNode<{ name: string; type: string }>(`DESCRIBE TABLE ${fqn}`);
    expect(cols.map((c) => c.name)).toEqual([
      'ROW_ID',
      'FILE_ID',
      'LINE',
      'TENANT',
      'LOG_TYPE',
      'EVENT_TIME',
      'EVENT_TIME_SOURCE',
      'INGEST_TIME',
      'SOURCE_BUCKET',
      'SOURCE_KEY',
      'SOURCE_ETAG',
      'CHUNK',
      'INDICATORS',
      'EVENT',
      'SRC_IP',
      'SRC_PORT',
      'DST_IP',
      'DST_PORT',
      'USER_NAME',
      'ACTION',
      'OUTCOME',
      'CLOUD_ACCOUNT',
      'CLOUD_REGION',
      'OCSF_CLASS',
      'OCSF_CLASS_UID',
    ]);
  });

  it('writes 1,000 envelopes; both clients count exactly 1,000', async () => {
    const fileId = uniq('file');
    expect(await sink.write(batch(uniq('t'), fileId, 1, 1000))).toEqual({ written: 1000 });
    expect(await counts(fileId)).toEqual({ node: [1000, 1000], python: [1000, 1000] });
  });

  it('is idempotent: the same batch twice, then another chunking, leave each row once', async () => {
    const fileId = uniq('file');
    const tenant = uniq('t');
    await sink.write(batch(tenant, fileId, 1, 1000));
    expect(await sink.write(batch(tenant, fileId, 1, 1000))).toEqual({ written: 1000 });
    expect(await counts(fileId)).toEqual({ node: [1000, 1000], python: [1000, 1000] });
    await sink.write(batch(tenant, fileId, 1, 617, 0));
    await sink.write(batch(tenant, fileId, 618, 1000, 1));
    expect(await counts(fileId)).toEqual({ node: [1000, 1000], python: [1000, 1000] });
    const chunks = await viaNode<{ CHUNK: number; N: number }>(
      `SELECT CHUNK, COUNT(*) AS N FROM ${fqn} WHERE FILE_ID = '${fileId}' GROUP BY CHUNK ORDER BY CHUNK`,
    );
    expect(chunks.map((r) => [Number(r.CHUNK), Number(r.N)])).toEqual([
      [0, 617],
      [1, 383],
    ]);
  });

  it('stores every column: the EVENT and INDICATORS variants are queryable by path, timestamps keep milliseconds', async () => {
    const fileId = uniq('file');
    const b = batch('tenant-x', fileId, 1, 10);
    await sink.write(b);
    const sql = `SELECT ROW_ID, TENANT, LOG_TYPE, EVENT_TIME_SOURCE, SOURCE_KEY, LINE, CHUNK,
        EVENT:"id.orig_h"::VARCHAR AS ORIG, EVENT:note::VARCHAR AS NOTE, INDICATORS:ips[0]::VARCHAR AS IP0,
        TO_VARCHAR(EVENT_TIME, 'YYYY-MM-DD HH24:MI:SS.FF3') AS ET, TO_VARCHAR(INGEST_TIME, 'YYYY-MM-DD HH24:MI:SS.FF3') AS IT
      FROM ${fqn} WHERE FILE_ID = '${fileId}' AND LINE = 7`;
    const expected = {
      ROW_ID: b.envelopes[6]?.row_id,
      TENANT: 'tenant-x',
      LOG_TYPE: 'zeek',
      EVENT_TIME_SOURCE: 'record',
      SOURCE_KEY: 'tenant-x/conn.log',
      ORIG: '10.2.0.7',
      NOTE: 'quote \' and "double" and unicode é ✓',
      IP0: '10.2.0.7',
      ET: '2024-01-02 03:04:12.678',
      IT: '2024-01-03 00:00:00.123',
    };
    const [node] = await viaNode(sql);
    expect(node).toMatchObject({ ...expected, LINE: 7, CHUNK: 0 });
    const [python] = snowflakeQueryViaPython(sql);
    expect(python).toMatchObject({ ...expected, LINE: 7, CHUNK: 0 });
    const [whole] = await viaNode<{ EVENT: unknown; INDICATORS: unknown }>(
      `SELECT EVENT, INDICATORS FROM ${fqn} WHERE FILE_ID = '${fileId}' AND LINE = 7`,
    );
    expect(whole?.EVENT).toEqual(b.envelopes[6]?.event);
    expect(whole?.INDICATORS).toEqual(b.envelopes[6]?.indicators);
  });

  it('a batch failing halfway rolls back: the rows written before stay exactly as they were', async () => {
    const fileId = uniq('file');
    const tenant = uniq('t');
    await sink.write(batch(tenant, fileId, 1, 600));
    const bad = batch('other', fileId, 1, 600);
    // Row 551 is in the third INSERT (250 rows each), after the DELETE and two good INSERTs; the server
    // refuses the timestamp (a data error, SQL state 22007), which no retry fixes.
    (bad.envelopes[550] as Envelope).event_time = 'not a time';
    const err = await sink.write(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentSinkError);
    expect(err).toMatchObject({ sink: 'snowflake', type: 'SnowflakeRejected' });
    expect(await counts(fileId)).toEqual({ node: [600, 600], python: [600, 600] });
    const tenants = await viaNode<{ TENANT: string }>(`SELECT DISTINCT TENANT FROM ${fqn} WHERE FILE_ID = '${fileId}'`);
    expect(tenants.map((r) => r.TENANT)).toEqual([tenant]);
    // The sink is still usable afterwards (the failed connection was replaced).
    expect(await sink.write(batch(tenant, fileId, 601, 700))).toEqual({ written: 100 });
  });

  it('concurrent writes of different files, on pooled connections, each land exactly', async () => {
    const files = Array.from({ length: 6 }, () => uniq('file'));
    const results = await Promise.all(files.map((f) => sink.write(batch(uniq('t'), f, 1, 300))));
    expect(results.map((r) => r.written)).toEqual([300, 300, 300, 300, 300, 300]);
    for (const f of files) expect((await counts(f)).node).toEqual([300, 300]);
  });

  it('a table that does not fit (SQL compilation error) is a systemic refusal, not a bad record', async () => {
    const other = uniq('SINK_BAD').replace(/-/g, '_').toUpperCase();
    const badCfg = { ...sfCfg, table: other };
    extraTables.push(tableName(badCfg));
    await viaNode(`CREATE TABLE ${tableName(badCfg)} (ROW_ID VARCHAR NOT NULL, FILE_ID VARCHAR NOT NULL, LINE NUMBER)`);
    const bad = createSnowflakeSink({ cfg: badCfg });
    try {
      await bad.prepare();
      const err = await bad.write(batch(uniq('t'), uniq('file'), 1, 5)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SystemicSinkError);
      expect(err).toMatchObject({ sink: 'snowflake', type: 'SystemicRefusal' });
    } finally {
      await bad.close();
    }
  });

  it('an unreachable Snowflake fails the attempt within seconds, saying why, as a transient error', async () => {
    const down = createSnowflakeSink({ cfg: { ...sfCfg, accessUrl: 'http://127.0.0.1:1' } });
    try {
      const started = Date.now();
      const err = await down.write(batch(uniq('t'), uniq('file'), 1, 3)).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(err).not.toBeInstanceOf(PermanentSinkError);
      expect((err as Error).message).toMatch(/^snowflake: writing lines 1-3 of .*: cannot connect: .*ECONNREFUSED/);
    } finally {
      await down.close();
    }
  });

  it('Snowflake answering 429 Too Many Requests slows the write down instead of failing it: every row lands once', async () => {
    // The emulator never throttles, so a proxy in front of it answers 429 to the first inserts, as Snowflake
    // does under load; the real SDK and sink go through it.
    const throttled = await throttlingProxy(new URL(cfg.snowflake.accessUrl), 3);
    const slowCfg = { ...sfCfg, accessUrl: throttled.url };
    const slow = createSnowflakeSink({ cfg: slowCfg });
    const fileId = uniq('file');
    try {
      const started = Date.now();
      expect(await slow.write(batch(uniq('t'), fileId, 1, 200))).toEqual({ written: 200 });
      expect(throttled.refused()).toBe(3);
      // The driver waited between attempts rather than hammering.
      expect(Date.now() - started).toBeGreaterThan(1000);
      expect((await counts(fileId)).node).toEqual([200, 200]);
    } finally {
      await slow.close();
      await throttled.close();
    }
  });
});

/** Forwards to `target`, answering 429 to the first `refuse` query requests that insert rows. */
async function throttlingProxy(target: URL, refuse: number) {
  let refused = 0;
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(body);
      const isInsert = req.url?.startsWith('/queries/v1/query-request') && /INSERT INTO/.test(decodeBody(req, payload));
      if (isInsert && refused < refuse) {
        refused += 1;
        res.writeHead(429, { 'content-type': 'text/plain' }).end('Too Many Requests');
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    refused: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function decodeBody(req: http.IncomingMessage, payload: Buffer): string {
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(payload) : payload).toString('utf8');
}
