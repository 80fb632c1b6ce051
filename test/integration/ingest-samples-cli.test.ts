import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSluice } from '../helpers/cli';
import { snowflakeQueryViaPython } from '../helpers/env';
import { opensearch, sinkCounts, uniq, useWorker } from '../helpers/ingest';

const samplesDir = path.resolve(__dirname, '..', '..', '..', 'shared', 'samples');
const haveSamples = existsSync(samplesDir);
if (!haveSamples) console.warn('skipping the real-sample ingest tests: ../shared/samples not present');

const w = useWorker();

const sluice = (args: string[]) => runSluice(args, { SLUICE_TASK_QUEUE: w.taskQueue, SLUICE_LOG_LEVEL: 'warn' });

const nonBlankLines = (file: string) =>
  readFileSync(path.join(samplesDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length;

describe.skipIf(!haveSamples)('the real samples through `sluice ingest`', () => {
  const tenant = uniq('samples');
  const samples = [
    ['zeek-conn.ndjson', 'zeek'],
    ['suricata-eve.ndjson', 'suricata'],
    ['cloudtrail-console-login.ndjson', 'cloudtrail'],
  ] as const;

  it('ingests each sample with --wait --json; every line lands in every sink', async () => {
    let expected = 0;
    for (const [file, logType] of samples) {
      const r = await sluice([
        'ingest',
        path.join(samplesDir, file),
        '--tenant',
        tenant,
        '--log-type',
        logType,
        '--wait',
        '--json',
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const [status] = JSON.parse(r.out);
      const lines = nonBlankLines(file);
      expected += lines;
      expect(status.execution).toBe('COMPLETED');
      expect(status.progress).toMatchObject({
        records: lines,
        parsed: lines,
        quarantined: 0,
        written: { s3: lines, snowflake: lines, opensearch: lines },
      });
      expect(status.link).toContain('/workflows/ingest%2F');
    }
    expect(await sinkCounts(tenant)).toEqual({
      s3: expected,
      s3Distinct: expected,
      opensearch: expected,
      snowflake: { rows: expected, distinct: expected },
    });
  });

  it('indicators and event times are searchable in OpenSearch and queryable in Snowflake', async () => {
    const index = `${w.cfg.opensearch.indexPrefix}-${tenant}-*`;
    // The CloudTrail console login's source address, as an `ip` term.
    const byIp = await opensearch.search({
      index,
      body: {
        query: {
          bool: { filter: [{ term: { log_type: 'cloudtrail' } }, { term: { 'indicators.ips': '89.160.20.156' } }] },
        },
      },
    });
    expect(byIp.body.hits.total).toMatchObject({ value: 3 });
    // Zeek's epoch-float `ts` becomes the event time, to the millisecond.
    const zeek = await opensearch.search({
      index,
      body: { query: { term: { 'source.line': 1 } }, sort: [{ log_type: 'asc' }] },
    });
    const zeekDoc = zeek.body.hits.hits
      .map((h) => h._source as Record<string, unknown>)
      .find((d) => d.log_type === 'zeek');
    expect(zeekDoc?.event_time).toBe('2019-01-11T06:33:35.857Z');
    expect(zeekDoc?.indicators).toMatchObject({ ips: ['192.168.86.1', '192.168.86.167'] });
    expect((zeekDoc?.indicators as { ips: string[] } | undefined)?.ips).toEqual(['192.168.86.1', '192.168.86.167']);
    const table = `${w.cfg.snowflake.database}.${w.cfg.snowflake.schema}.${w.cfg.snowflake.table}`;
    const rows = snowflakeQueryViaPython(
      `SELECT LOG_TYPE, COUNT(*) AS N FROM ${table} WHERE TENANT = '${tenant}' GROUP BY LOG_TYPE ORDER BY LOG_TYPE`,
    );
    expect(rows).toEqual(
      samples
        .map(([file, logType]) => ({ LOG_TYPE: logType, N: nonBlankLines(file) }))
        .sort((a, b) => a.LOG_TYPE.localeCompare(b.LOG_TYPE)),
    );
  });

  it('`sluice status` finds a file by path; a second plain ingest is refused with a clear message', async () => {
    const file = path.join(samplesDir, 'zeek-conn.ndjson');
    const status = await sluice(['status', file, '--tenant', tenant]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(
      /^ingest\/samples-[0-9a-f]+\/sluice-landing\/uploads\/.*zeek-conn\.ndjson@[0-9a-f]+ {2}\[COMPLETED\]/,
    );
    expect(status.out).toMatch(/records +18 read, 18 parsed, 0 quarantined/);
    const again = await sluice(['ingest', file, '--tenant', tenant, '--log-type', 'zeek']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /^sluice ingest: s3:\/\/sluice-landing\/uploads\/.* was already ingested for tenant samples-.*; pass --reingest to ingest it again\n$/,
    );
  });
});

describe('`sluice` CLI argument errors', () => {
  it('names the problem and exits 2', async () => {
    expect(await sluice(['ingest', 'x.ndjson', '--log-type', 'zeek'])).toMatchObject({
      code: 2,
      err: 'sluice ingest: --tenant is required\n',
    });
    expect(await sluice(['ingest', 'x.ndjson', '--tenant', 't', '--log-type', 'pcap'])).toMatchObject({
      code: 2,
      err: 'sluice ingest: unknown log type "pcap"; known: auto, alb, cloudtrail, guardduty, json, okta, suricata, syslog, vpcflow, zeek\n',
    });
    expect(await sluice(['ingest', '/nonexistent/file.ndjson', '--tenant', 't', '--log-type', 'zeek'])).toMatchObject({
      code: 1,
      err: 'sluice ingest: /nonexistent/file.ndjson: no such file\n',
    });
    expect((await sluice(['ingest', 'x', '--tenant', 'T!', '--log-type', 'zeek'])).err).toMatch(
      /--tenant "T!": use lowercase letters/,
    );
    expect((await sluice(['frobnicate'])).code).toBe(2);
    expect((await sluice(['ingest', '--bogus'])).err).toMatch(/^sluice ingest: Unknown option '--bogus'/);
  });
});
