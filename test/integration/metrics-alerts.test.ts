import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestClient } from '../../src/client/ingest-client';
import { connectIngestClient } from '../../src/client/ingest-client';
import { loadConfig, type SluiceConfig } from '../../src/config/load';
import { reloadPrometheus } from '../../src/metrics/prometheus-config';
import {
  chaosEnv,
  demoFile,
  expectExactlyOnce,
  startService,
  stopService,
  WorkerProcess,
  waitFor,
} from '../helpers/chaos';
import { uniq } from '../helpers/env';
import { tempDir } from '../helpers/ingest';

/**
 * The metrics and alerts on the real stack: a `sluice worker` process with its metrics endpoint, found by the
 * stack's Prometheus through the targets dir, scraped every 2 s, with the shipped rules rendered with short
 * thresholds. OpenSearch is stopped mid-ingest: the delay and stalled-sink alerts fire in Prometheus, and
 * resolve once it is back. Then every query of the Grafana dashboard returns data from this Prometheus.
 */

const DASHBOARD = path.resolve(__dirname, '..', '..', 'ops', 'grafana', 'sluice.json');

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function promQuery(
  cfg: SluiceConfig,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${cfg.prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: never[] } };
  if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

async function firing(cfg: SluiceConfig): Promise<PromAlert[]> {
  const res = await fetch(`${cfg.prometheus.url}/api/v1/alerts`);
  const body = (await res.json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts.filter((a) => a.state === 'firing');
}

const isFiring = (alerts: PromAlert[], name: string, labels: Record<string, string> = {}) =>
  alerts.some((a) => a.labels.alertname === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v));

describe('metrics and alerts on the real stack', () => {
  const taskQueue = uniq('metrics');
  const tenant = uniq('metrics');
  let env: Record<string, string>;
  let drill: SluiceConfig;
  let worker: WorkerProcess;
  let client: IngestClient;
  let dir: string;
  let opensearchStopped = false;

  beforeAll(async () => {
    env = {
      ...chaosEnv(taskQueue),
      SLUICE_METRICS_PORT: String(await freePort()),
      SLUICE_METRICS_HOST: '127.0.0.1',
      SLUICE_METRICS_COLLECTOR: 'true',
      SLUICE_METRICS_COLLECT_INTERVAL: '2s',
      SLUICE_PROMETHEUS_SCRAPE_INTERVAL: '2s',
      SLUICE_ALERT_DELAY_P99: '20s',
      SLUICE_ALERT_STALL: '30s',
      SLUICE_ALERT_WINDOW: '30s',
      SLUICE_ALERT_FOR: '0s',
    };
    drill = loadConfig({ ...process.env, ...env });
    await reloadPrometheus(drill);
    client = await connectIngestClient(drill);
    dir = await tempDir();
    worker = new WorkerProcess('metrics-alerts', env);
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await worker?.close();
    if (opensearchStopped) await startService('opensearch');
    // Back to the stack's own thresholds and scrape interval.
    await reloadPrometheus(loadConfig());
  });

  it('counts a file exactly in Prometheus, then fires the delay and stalled-sink alerts during an OpenSearch outage and resolves them after', async () => {
    const first = await demoFile(dir, tenant, 'zeek', 400, 1);
    await (await client.start(first.ref)).result();
    // Scraped from the worker by Prometheus: the records each sink acknowledged, exactly.
    const written = await waitFor(
      'records written per sink in Prometheus',
      async () => {
        const rows = await promQuery(
          drill,
          `sum by (sink) (sluice_records_written_total{instance="127.0.0.1:${env.SLUICE_METRICS_PORT}"})`,
        );
        const bySink = Object.fromEntries(rows.map((r) => [r.metric.sink, Number(r.value[1])]));
        return Object.keys(bySink).length === 3 ? bySink : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(written).toEqual({ s3: 400, snowflake: 400, opensearch: 400 });
    const up = await promQuery(drill, `up{job="sluice-worker",instance="127.0.0.1:${env.SLUICE_METRICS_PORT}"}`);
    expect(up.map((r) => r.value[1])).toEqual(['1']);
    const before = await firing(drill);
    expect(isFiring(before, 'SluiceSinkStalled')).toBe(false);
    expect(isFiring(before, 'SluiceDelayHigh')).toBe(false);

    await stopService('opensearch');
    opensearchStopped = true;
    const second = await demoFile(dir, tenant, 'zeek', 300, 2);
    const handle = await client.start(second.ref);
    const during = await waitFor(
      'SluiceSinkStalled{stage="opensearch"} and SluiceDelayHigh firing',
      async () => {
        const alerts = await firing(drill);
        return isFiring(alerts, 'SluiceSinkStalled', { stage: 'opensearch' }) && isFiring(alerts, 'SluiceDelayHigh')
          ? alerts
          : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2000 },
    );
    // Only the sink that is down stalls.
    expect(during.filter((a) => a.labels.alertname === 'SluiceSinkStalled').map((a) => a.labels.stage)).toEqual([
      'opensearch',
    ]);

    await startService('opensearch');
    opensearchStopped = false;
    await handle.result();
    await expectExactlyOnce(tenant, 700);
    await waitFor(
      'SluiceSinkStalled and SluiceDelayHigh resolved',
      async () => {
        const alerts = await firing(drill);
        return !isFiring(alerts, 'SluiceSinkStalled') && !isFiring(alerts, 'SluiceDelayHigh') ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2000 },
    );
    const failures = await promQuery(drill, `sum(sluice_activity_failures_total{stage="opensearch"})`);
    expect(Number(failures[0]?.value[1])).toBeGreaterThan(0);
  });

  it('answers every query of the Grafana dashboard with data', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        // Grafana's $__rate_interval, long enough to span both files of the test above.
        const rows = await promQuery(drill, expr.replaceAll('$__rate_interval', '10m'));
        if (rows.length === 0) empty.push(`${panel.title}: ${expr}`);
      }
    }
    expect(empty).toEqual([]);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(20);
  });
});
