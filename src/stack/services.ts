import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Connection } from '@temporalio/client';
import type { SluiceConfig } from '../config/load';
import { SEARCH_ATTRIBUTE_TYPES } from '../contracts/search-attributes';
import { reloadPrometheus, writePrometheusConfig } from '../metrics/prometheus-config';
import { createS3 } from '../shared/clients';
import { connectTemporal } from '../shared/temporal-connection';
import { minioWebhookEnv, watchLandingBucket } from './minio-notify';
import { httpOk, type ManagedProcess, type StartSpec } from './process';
import { searchAttributeRegistrations } from './search-attributes';
import { sqs } from './sqs-service';
import {
  ensureFakesnow,
  ensureMinio,
  ensureOpenSearchZip,
  ensurePrometheus,
  ensureTemporal,
  extractOpenSearch,
  javaHome,
  STACK_ASSETS,
} from './tools';

export type ServiceName = 'temporal' | 'minio' | 'opensearch' | 'snowflake' | 'sqs' | 'prometheus';
export type Progress = (line: string) => void;

export interface Service {
  name: ServiceName;
  /** What `status` shows a person: where to reach it. */
  endpoint(cfg: SluiceConfig): string;
  ports(cfg: SluiceConfig): number[];
  /** Installs the pinned tool if missing and returns how to start the service. */
  prepare(cfg: SluiceConfig, progress: Progress): Promise<StartSpec>;
  /** undefined when healthy, otherwise what is not yet right. */
  check(cfg: SluiceConfig): Promise<string | undefined>;
  /** One-time setup once healthy (buckets…); must be idempotent. */
  afterStart?(cfg: SluiceConfig): Promise<void>;
}

export function processOf(cfg: SluiceConfig, name: ServiceName): ManagedProcess {
  return {
    name,
    pidFile: path.join(cfg.stack.stateDir, 'run', `${name}.pid`),
    logFile: path.join(cfg.stack.stateDir, 'logs', `${name}.log`),
  };
}

const temporal: Service = {
  name: 'temporal',
  endpoint: (cfg) => `${cfg.temporal.address} (Web UI ${cfg.temporal.uiUrl})`,
  ports: (cfg) => [cfg.stack.temporalPort, cfg.stack.temporalUiPort],
  async prepare(cfg, progress) {
    const bin = await ensureTemporal(cfg.stack.toolsDir, progress);
    const dir = path.join(cfg.stack.stateDir, 'temporal');
    mkdirSync(dir, { recursive: true });
    return {
      command: bin,
      args: [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(cfg.stack.temporalPort),
        '--ui-port',
        String(cfg.stack.temporalUiPort),
        // A file, not memory: workflow histories survive a restart of the server (and of the stack).
        '--db-filename',
        path.join(dir, 'temporal.sqlite'),
        '--log-level',
        'warn',
        ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([k, t]) => ['--search-attribute', `${k}=${t}`]),
        // With payloads encrypted, the Web UI shows them in clear through `sluice codec-server` (the browser calls
        // it; the keys never reach the UI server).
        ...(cfg.codec.keys ? ['--ui-codec-endpoint', cfg.codec.serverUrl] : []),
      ],
    };
  },
  async check(cfg) {
    let connection: Connection | undefined;
    try {
      connection = await connectTemporal(cfg.temporal, { connectTimeout: 2000 });
      await connection.workflowService.getSystemInfo({});
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: cfg.temporal.namespace,
      });
      const missing = Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((k) => !(k in (customAttributes ?? {})));
      if (missing.length) {
        // Flags register attributes only in a new database: add what an older state dir lacks, then check again.
        await connection.operatorService.addSearchAttributes({
          namespace: cfg.temporal.namespace,
          searchAttributes: searchAttributeRegistrations(missing),
        });
        return `search attributes not registered yet: ${missing.join(', ')}`;
      }
    } catch (e) {
      return `frontend ${cfg.temporal.address} not answering: ${(e as Error).message}`;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    const ui = await httpOk(cfg.temporal.uiUrl);
    if (ui?.status !== 200) return `Web UI ${cfg.temporal.uiUrl} not answering`;
    return undefined;
  },
};

const minio: Service = {
  name: 'minio',
  endpoint: (cfg) => `${cfg.s3.endpoint} (console http://127.0.0.1:${cfg.stack.minioConsolePort})`,
  ports: (cfg) => [cfg.stack.minioPort, cfg.stack.minioConsolePort],
  async prepare(cfg, progress) {
    const bin = await ensureMinio(cfg.stack.toolsDir, progress);
    const data = path.join(cfg.stack.stateDir, 'minio');
    mkdirSync(data, { recursive: true });
    return {
      command: bin,
      args: [
        'server',
        data,
        '--address',
        `127.0.0.1:${cfg.stack.minioPort}`,
        '--console-address',
        `127.0.0.1:${cfg.stack.minioConsolePort}`,
        '--quiet',
      ],
      env: {
        MINIO_ROOT_USER: cfg.s3.accessKeyId,
        MINIO_ROOT_PASSWORD: cfg.s3.secretAccessKey,
        MINIO_BROWSER: 'on',
        MINIO_UPDATE: 'off',
        ...minioWebhookEnv(cfg),
      },
    };
  },
  async check(cfg) {
    const live = await httpOk(`${cfg.s3.endpoint}/minio/health/live`);
    return live?.status === 200 ? undefined : `${cfg.s3.endpoint}/minio/health/live not answering 200`;
  },
  async afterStart(cfg) {
    const s3 = createS3(cfg.s3);
    try {
      for (const bucket of [
        cfg.s3.landingBucket,
        cfg.s3.stagingBucket,
        cfg.s3.processedBucket,
        cfg.s3.quarantineBucket,
      ]) {
        try {
          await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        } catch {
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        }
      }
      await watchLandingBucket(cfg, s3);
    } finally {
      s3.destroy();
    }
  },
};

/**
 * OpenSearch refuses to run as root. When the stack is started by root it runs as an unprivileged user the
 * stack creates, with its files under that user's home (root's home is not readable by it).
 */
function opensearchLayout(cfg: SluiceConfig): { base: string; distDir: string; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) {
    return { base: path.join(cfg.stack.stateDir, 'opensearch'), distDir: cfg.stack.toolsDir };
  }
  const user = cfg.stack.opensearchUser;
  if (spawnSync('id', ['-u', user]).status !== 0) {
    const r = spawnSync(
      'useradd',
      ['--system', '--create-home', '--home-dir', `/var/lib/${user}`, '--shell', '/usr/sbin/nologin', user],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0)
      throw new Error(`could not create the unprivileged user ${user} for OpenSearch: ${r.stderr.trim()}`);
  }
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  const userHome = `/var/lib/${user}`;
  // One data directory per stack state dir, so two stacks (two SLUICE_STATE_DIRs) never share an index.
  const tag = createHash('sha256').update(cfg.stack.stateDir).digest('hex').slice(0, 10);
  return { base: path.join(userHome, `state-${tag}`), distDir: path.join(userHome, 'dist'), uid, gid };
}

const opensearch: Service = {
  name: 'opensearch',
  endpoint: (cfg) => cfg.opensearch.url,
  ports: (cfg) => [cfg.stack.opensearchPort, cfg.stack.opensearchTransportPort],
  async prepare(cfg, progress) {
    const zip = await ensureOpenSearchZip(cfg.stack.toolsDir, progress);
    const layout = opensearchLayout(cfg);
    mkdirSync(layout.distDir, { recursive: true });
    const home = await extractOpenSearch(zip, layout.distDir, progress);
    const conf = path.join(layout.base, 'config');
    if (!existsSync(conf)) cpSync(path.join(home, 'config'), conf, { recursive: true });
    for (const d of ['data', 'logs', 'tmp']) mkdirSync(path.join(layout.base, d), { recursive: true });
    writeFileSync(
      path.join(conf, 'opensearch.yml'),
      [
        'cluster.name: sluice-local',
        'node.name: sluice-local',
        'network.host: 127.0.0.1',
        `http.port: ${cfg.stack.opensearchPort}`,
        `transport.port: ${cfg.stack.opensearchTransportPort}`,
        'discovery.type: single-node',
        `path.data: ${path.join(layout.base, 'data')}`,
        `path.logs: ${path.join(layout.base, 'logs')}`,
        // A nearly full developer disk must not turn every index read-only in the middle of a test.
        'cluster.routing.allocation.disk.threshold_enabled: false',
        '',
      ].join('\n'),
    );
    if (layout.uid !== undefined) {
      spawnSync('chown', ['-R', `${layout.uid}:${layout.gid}`, layout.base, layout.distDir]);
    }
    return {
      command: path.join(home, 'bin', 'opensearch'),
      args: [],
      cwd: layout.base,
      uid: layout.uid,
      gid: layout.gid,
      env: {
        HOME: layout.uid !== undefined ? path.dirname(layout.base) : process.env.HOME,
        OPENSEARCH_JAVA_HOME: javaHome(),
        OPENSEARCH_PATH_CONF: conf,
        OPENSEARCH_TMPDIR: path.join(layout.base, 'tmp'),
        OPENSEARCH_JAVA_OPTS: `-Xms${cfg.stack.opensearchHeap} -Xmx${cfg.stack.opensearchHeap}`,
      },
    };
  },
  async check(cfg) {
    const res = await httpOk(`${cfg.opensearch.url}/_cluster/health`);
    if (res?.status !== 200) return `${cfg.opensearch.url}/_cluster/health not answering`;
    const status = (JSON.parse(res.body) as { status?: string }).status;
    return status === 'green' || status === 'yellow' ? undefined : `cluster status ${status}`;
  },
};

const snowflake: Service = {
  name: 'snowflake',
  endpoint: (cfg) => `${cfg.snowflake.accessUrl} (fakesnow)`,
  ports: (cfg) => [cfg.stack.fakesnowPort],
  async prepare(cfg, progress) {
    const python = await ensureFakesnow(cfg.stack.toolsDir, progress);
    const db = path.join(cfg.stack.stateDir, 'fakesnow');
    mkdirSync(db, { recursive: true });
    return {
      command: python,
      args: [
        path.join(STACK_ASSETS, 'fakesnow', 'serve.py'),
        '--port',
        String(cfg.stack.fakesnowPort),
        '--db-path',
        db,
      ],
    };
  },
  async check(cfg) {
    // Any HTTP answer from the login route means the app is up; 405 (GET on a POST route) is the expected one.
    const res = await httpOk(`http://127.0.0.1:${cfg.stack.fakesnowPort}/session/v1/login-request`);
    return res ? undefined : `fakesnow on port ${cfg.stack.fakesnowPort} not answering`;
  },
};

const prometheus: Service = {
  name: 'prometheus',
  endpoint: (cfg) => `${cfg.prometheus.url} (alerts ${cfg.prometheus.url}/api/v1/alerts)`,
  ports: (cfg) => [cfg.stack.prometheusPort],
  async prepare(cfg, progress) {
    const { prometheus: bin } = await ensurePrometheus(cfg.stack.toolsDir, progress);
    const config = writePrometheusConfig(cfg);
    return {
      command: bin,
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(cfg.stack.stateDir, 'prometheus', 'data')}`,
        `--web.listen-address=127.0.0.1:${cfg.stack.prometheusPort}`,
        // POST /-/reload picks up re-rendered rules (new alert thresholds) without losing the series.
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=7d',
        '--log.level=warn',
      ],
    };
  },
  async check(cfg) {
    const res = await httpOk(`${cfg.prometheus.url}/-/ready`);
    return res?.status === 200 ? undefined : `${cfg.prometheus.url}/-/ready not answering 200`;
  },
  // A running Prometheus picks up changed alert settings on the next `up`.
  afterStart: reloadPrometheus,
};

/** In start order: OpenSearch first, it takes longest to boot; Prometheus last, it only watches the others. */
export const SERVICES: readonly Service[] = [opensearch, temporal, minio, snowflake, sqs, prometheus];

export function serviceByName(name: string): Service {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown service "${name}"; services: ${SERVICES.map((x) => x.name).join(', ')}`);
  return s;
}
