import { existsSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, type LogEntry, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type Activities, createActivities } from '../activities';
import { createSinks } from '../activities/sinks';
import type { SluiceConfig } from '../config/load';
import { createOpenSearch, createS3 } from '../shared/clients';
import { createLogger, type Logger } from '../shared/log';

/** Source (.ts, under vitest) or compiled (.js) workflows, whichever this module runs beside. */
export function workflowsPath(): string {
  const base = path.join(__dirname, '..', 'workflows', 'index');
  return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}

let runtimeInstalled = false;

/** Temporal's own logs go through Sluice's structured logger, at warn and above. */
function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const forward = (entry: LogEntry) => {
    const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'debug';
    log[level](entry.message, { component: 'temporal', ...entry.meta });
  };
  Runtime.install({ logger: new DefaultLogger('WARN', forward) });
}

export interface SluiceWorker {
  worker: Worker;
  /** Closes the clients and the connection; call after worker.run() has resolved. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  taskQueue?: string;
  log?: Logger;
  /** Wraps the activities (instrumentation, fault injection in tests) without changing what they do. */
  decorate?: (activities: Activities) => Activities;
}

export async function createWorker(cfg: SluiceConfig, opts: WorkerOptions = {}): Promise<SluiceWorker> {
  const log = opts.log ?? createLogger(cfg.log.level, { component: 'worker' });
  installRuntime(log);
  const s3 = createS3(cfg.s3);
  const opensearch = createOpenSearch(cfg.opensearch);
  const sinks = createSinks({ cfg, s3, opensearch });
  const connection = await NativeConnection.connect({ address: cfg.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: cfg.temporal.namespace,
    taskQueue: opts.taskQueue ?? cfg.temporal.taskQueue,
    workflowsPath: workflowsPath(),
    activities: (opts.decorate ?? ((a) => a))(createActivities({ cfg, s3, sinks, log })),
    // Chunks in flight per file × sinks per chunk, for a few files at once, within two cores.
    maxConcurrentActivityTaskExecutions: 16,
    // On SIGTERM (an ECS task stop) in-flight activities get this long to finish before being handed back.
    shutdownGraceTime: '30s',
  });
  return {
    worker,
    async close() {
      await Promise.allSettled(Object.values(sinks).map((s) => s.close()));
      s3.destroy();
      await opensearch.close().catch(() => undefined);
      await connection.close();
    },
  };
}
