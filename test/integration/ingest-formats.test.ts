import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { AwaitingDecision } from '../../src/contracts/ingest';
import { statusQuery } from '../../src/contracts/messages';
import { runSluice } from '../helpers/cli';
import { snowflakeQueryViaPython } from '../helpers/env';
import { opensearch, sinkCounts, tempDir, uniq, upload, useWorker } from '../helpers/ingest';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'formats');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const w = useWorker();
// Small chunks, so the Zeek TSV file is cut into several and every chunk must carry the file's header.
const sluice = (args: string[]) =>
  runSluice(args, { SLUICE_TASK_QUEUE: w.taskQueue, SLUICE_LOG_LEVEL: 'warn', SLUICE_CHUNK_TARGET_BYTES: '16KiB' });

/** A conn.log of `rows` rows under the fixture's header, one second apart. */
function zeekConn(rows: number): string {
  const lines = fixture('zeek-conn.log').split('\n');
  const header = lines.filter((l) => l.startsWith('#') && !l.startsWith('#close'));
  const body = Array.from({ length: rows }, (_, i) =>
    [
      1600272959 + i,
      `C${i}`,
      `192.168.4.${i % 250}`,
      40000 + i,
      '192.168.4.1',
      53,
      'udp',
      'dns',
      '0.066852',
      i,
      141,
      'SF',
      '-',
      '-',
      0,
      'Dd',
      2,
      118,
      2,
      197,
      '-',
    ].join('\t'),
  );
  return `${[...header, ...body].join('\n')}\n`;
}

async function docs(tenant: string, logType: string): Promise<Record<string, unknown>[]> {
  const index = `${w.cfg.opensearch.indexPrefix}-${tenant}-*`;
  const r = await opensearch.search({
    index,
    body: { query: { term: { log_type: logType } }, sort: [{ 'source.line': 'asc' }], size: 1000 },
  });
  return r.body.hits.hits.map((h) => h._source as Record<string, unknown>);
}

async function parked(handle: WorkflowHandle): Promise<AwaitingDecision> {
  for (let i = 0; i < 300; i++) {
    const p = await handle.query(statusQuery);
    if (p.awaiting.length) return p.awaiting[0] as AwaitingDecision;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the workflow never parked');
}

describe('security log formats through `sluice ingest --log-type auto`', () => {
  const tenant = uniq('formats');
  const zeekRows = 600;

  it('lands one row per event in every sink: a gzip CloudTrail S3 delivery file, a chunked Zeek TSV file, a VPC flow file', async () => {
    const dir = await tempDir();
    const trail = path.join(dir, '123456789012_CloudTrail_us-east-1_20230719T2130Z_abc.json.gz');
    writeFileSync(trail, gzipSync(fixture('cloudtrail-records.json')));
    const conn = path.join(dir, 'conn.log');
    writeFileSync(conn, zeekConn(zeekRows));
    const flow = path.join(dir, 'flow.log');
    writeFileSync(flow, fixture('vpc-flow-default.log'));
    const digest = path.join(dir, 'digest.json');
    writeFileSync(digest, fixture('cloudtrail-digest.json'));

    const r = await sluice([
      'ingest',
      trail,
      conn,
      flow,
      digest,
      '--tenant',
      tenant,
      '--log-type',
      'auto',
      '--wait',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const statuses = JSON.parse(r.out) as { execution: string; progress: Record<string, unknown> }[];
    expect(statuses.map((s) => s.execution)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    const expected = [
      ['cloudtrail', 3],
      ['zeek', zeekRows],
      ['vpcflow', 6],
      ['cloudtrail', 0],
    ] as const;
    expected.forEach(([logType, n], i) => {
      expect(statuses[i].progress).toMatchObject({
        logType,
        records: n,
        parsed: n,
        quarantined: 0,
        written: { s3: n, snowflake: n, opensearch: n },
      });
    });
    expect((statuses[1].progress.chunksTotal as number) > 1).toBe(true);
    expect(statuses[3].progress).toMatchObject({ skipped: { 'cloudtrail-digest': 1 } });
    const total = 3 + zeekRows + 6;
    expect(await sinkCounts(tenant)).toEqual({
      s3: total,
      s3Distinct: total,
      opensearch: total,
      snowflake: { rows: total, distinct: total },
    });
  });

  it('gives each event its own time and position, and types every Zeek chunk by the header', async () => {
    const trail = await docs(tenant, 'cloudtrail');
    expect(trail.map((d) => [d.event_time, (d.source as { line: number }).line])).toEqual([
      ['2023-07-19T21:17:28.000Z', 1],
      ['2023-07-19T21:25:09.000Z', 2],
      ['2023-07-19T19:11:57.000Z', 3],
    ]);
    const zeek = await docs(tenant, 'zeek');
    expect(zeek).toHaveLength(zeekRows);
    // Header lines are not rows: the first record is line 9 of the file.
    expect((zeek[0].source as { line: number }).line).toBe(9);
    zeek.forEach((d, i) => {
      expect(d.event_time).toBe(new Date((1600272959 + i) * 1000).toISOString());
      expect(d.event).toMatchObject({ 'id.orig_p': 40000 + i, orig_bytes: i, duration: 0.066852, _path: 'conn' });
    });
    const flow = await docs(tenant, 'vpcflow');
    expect(flow.map((d) => d.event_time)).toEqual([
      '2014-12-14T04:06:50.000Z',
      '2014-12-14T04:06:50.000Z',
      '2015-05-10T18:01:16.000Z',
      '2015-05-10T18:01:16.000Z',
      '2015-05-29T16:30:27.000Z',
      '2015-05-29T16:31:34.000Z',
    ]);
    expect(flow[2].event).toMatchObject({ 'log-status': 'NODATA', flow_record_kind: 'NODATA', srcaddr: null });
  });

  it('puts the normalized fields in typed OpenSearch fields and Snowflake columns', async () => {
    const index = `${w.cfg.opensearch.indexPrefix}-${tenant}-*`;
    // An `ip` term query on the normalized source address finds the VPC flow records from that host.
    const bySrc = await opensearch.search({
      index,
      body: {
        query: {
          bool: { filter: [{ term: { 'fields.src_ip': '172.31.16.139' } }, { term: { 'fields.dst_port': 22 } }] },
        },
      },
    });
    expect(bySrc.body.hits.total).toMatchObject({ value: 1 });
    const api = await opensearch.search({
      index,
      body: { query: { term: { 'fields.ocsf_class': 'API Activity' } }, size: 10 },
    });
    expect(api.body.hits.hits.map((h) => (h._source as { fields: { user?: string } }).fields.user).sort()).toEqual([
      'Mary',
      'Mateo',
      'Saanvi',
    ]);
    const table = `${w.cfg.snowflake.database}.${w.cfg.snowflake.schema}.${w.cfg.snowflake.table}`;
    expect(
      snowflakeQueryViaPython(
        `SELECT LOG_TYPE, OCSF_CLASS, COUNT(*) AS N, SUM(DST_PORT) AS PORTS FROM ${table} WHERE TENANT = '${tenant}' GROUP BY LOG_TYPE, OCSF_CLASS ORDER BY LOG_TYPE`,
      ),
    ).toEqual([
      { LOG_TYPE: 'cloudtrail', OCSF_CLASS: 'API Activity', N: 3, PORTS: null },
      { LOG_TYPE: 'vpcflow', OCSF_CLASS: 'Network Activity', N: 6, PORTS: 22 + 3389 },
      { LOG_TYPE: 'zeek', OCSF_CLASS: 'Network Activity', N: zeekRows, PORTS: 53 * zeekRows },
    ]);
    expect(
      snowflakeQueryViaPython(
        `SELECT USER_NAME, OUTCOME, CLOUD_ACCOUNT, CLOUD_REGION FROM ${table} WHERE TENANT = '${tenant}' AND LOG_TYPE = 'cloudtrail' ORDER BY LINE`,
      ),
    ).toEqual([
      { USER_NAME: 'Mateo', OUTCOME: 'Success', CLOUD_ACCOUNT: '123456789012', CLOUD_REGION: 'us-east-1' },
      { USER_NAME: 'Mary', OUTCOME: 'Success', CLOUD_ACCOUNT: '888888888888', CLOUD_REGION: 'us-east-1' },
      {
        USER_NAME: 'Saanvi',
        OUTCOME: 'Failure: UnauthorizedOperation',
        CLOUD_ACCOUNT: '777777777777',
        CLOUD_REGION: 'eu-central-1',
      },
    ]);
  });

  it('stops a file whose --log-type does not fit, at once, saying what it looks like', async () => {
    const dir = await tempDir();
    const conn = path.join(dir, 'conn-as-json.log');
    writeFileSync(conn, zeekConn(5));
    const ref = await upload(conn, uniq('mismatch'), 'json');
    const handle = await w.client.start(ref);
    const awaiting = await parked(handle);
    expect(awaiting).toMatchObject({ stage: 'split', errorType: 'FormatMismatch' });
    expect(awaiting.error).toMatch(
      /does not read as JSON lines \(--log-type json\): .*; looks like Zeek TSV \(#separator header\); ingest with --log-type zeek$/,
    );
    await handle.terminate('test done');
  });
});
