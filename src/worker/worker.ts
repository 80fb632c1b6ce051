import {
  DefaultLogger,
  type LogEntry,
  type NativeConnection,
  Runtime,
  type WorkerOptions as TemporalWorkerOptions,
  Worker,
} from '@temporalio/worker';
import { type Activities, createActivities } from '../activities';
import { createSinks } from '../activities/sinks/registry';
import { sluiceDataConverter } from '../codec/data-converter';
import type { SluiceConfig } from '../config/load';
import { SINK_NAMES, sinkActivityName, sinkTaskQueue } from '../contracts/sinks';
import { createOpenSearch, createS3 } from '../shared/clients';
import { createLogger, type Logger } from '../shared/log';
import { connectNativeTemporal } from '../shared/temporal-connection';
import { SHUTDOWN_GRACE_SECONDS } from './shutdown';
import { workflowCode } from './workflow-code';

let runtimeInstalled = false;

/** Temporal's own logs go through Sluice's structured logger, at warn and above. */
function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const forward = (entry: LogEntry) => {
    // Sink queues carry activities only, by design; the runtime says so once per queue at start.
    if (entry.message.startsWith('No workflows registered')) return;
    const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'debug';
    log[level](entry.message, { component: 'temporal', ...entry.meta });
  };
  try {
    Runtime.install({ logger: new DefaultLogger('WARN', forward) });
  } catch {
    // The process installed its own runtime first (a test quieting Temporal's logs): keep it.
  }
}

/** The worker's pollers, run and stopped as one. */
export interface WorkerGroup {
  /** Resolves when every poller has stopped; if one fails, the others are shut down and its error rethrown. */
  run(): Promise<void>;
  shutdown(): void;
  readonly workers: Worker[];
}

export interface SluiceWorker {
  worker: WorkerGroup;
  /** Closes the clients and the connection; call after worker.run() has resolved. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  taskQueue?: string;
  log?: Logger;
  /** Wraps the activities (instrumentation, fault injection in tests) without changing what they do. */
  decorate?: (activities: Activities) => Activities;
  /** An existing connection (e.g. a test server's); it stays open on close(). */
  connection?: NativeConnection;
}

/**
 * One process of the fleet: a poller for the ingest queue (workflows, split, process, bookkeeping) and one per
 * sink queue, each with its own concurrency, and the sink's fleet-wide rate set on its queue.
 */
export async function createWorker(cfg: SluiceConfig, opts: WorkerOptions = {}): Promise<SluiceWorker> {
  const log = opts.log ?? createLogger(cfg.log.level, { component: 'worker' });
  installRuntime(log);
  const s3 = createS3(cfg.s3);
  const opensearch = createOpenSearch(cfg.opensearch);
  const sinks = createSinks({ cfg, s3, opensearch, log });
  const connection = opts.connection ?? (await connectNativeTemporal(cfg.temporal));
  const taskQueue = opts.taskQueue ?? cfg.temporal.taskQueue;
  const activities = (opts.decorate ?? ((a) => a))(createActivities({ cfg, s3, sinks, log }));
  const sinkActivities = new Set<string>(SINK_NAMES.map(sinkActivityName));
  const dataConverter = sluiceDataConverter(cfg.codec);
  const common = {
    connection,
    namespace: cfg.temporal.namespace,
    ...(dataConverter ? { dataConverter } : {}),
    // On SIGTERM (an ECS task stop) in-flight activities get this long to finish before being handed back.
    shutdownGraceTime: SHUTDOWN_GRACE_SECONDS * 1000,
    ...deploymentOptions(cfg),
  };
  const workers = [
    await Worker.create({
      ...common,
      taskQueue,
      ...workflowCode(dataConverter !== undefined),
      activities: Object.fromEntries(Object.entries(activities).filter(([name]) => !sinkActivities.has(name))),
      maxConcurrentActivityTaskExecutions: cfg.worker.concurrency,
      maxCachedWorkflows: cfg.worker.cachedWorkflows,
    }),
  ];
  for (const sink of SINK_NAMES) {
    const limits = cfg.sinks[sink];
    const name = sinkActivityName(sink);
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: sinkTaskQueue(taskQueue, sink),
        activities: { [name]: activities[name] },
        maxConcurrentActivityTaskExecutions: limits.concurrency,
        // Fleet-wide, enforced by the server: every worker polling this queue together starts no more than this.
        ...(limits.ratePerSecond > 0 ? { maxTaskQueueActivitiesPerSecond: limits.ratePerSecond } : {}),
      }),
    );
  }
  return {
    worker: groupOf(workers),
    async close() {
      await Promise.allSettled(Object.values(sinks).map((s) => s.close()));
      s3.destroy();
      await opensearch.close().catch(() => undefined);
      if (!opts.connection) await connection.close();
    },
  };
}

/**
 * With versioning on, every poller of this process (workflows and all sink queues alike) belongs to one Worker
 * Deployment version, so the server routes a version's tasks only to workers running that code. Workflows
 * auto-upgrade: a file parked for days moves to the new code at its next task instead of holding an old fleet up
 * until someone decides (README, Safe deploys); the pre-deploy replay check is what makes that safe.
 */
export function deploymentOptions(cfg: SluiceConfig): Pick<TemporalWorkerOptions, 'workerDeploymentOptions'> {
  if (!cfg.deploy.versioning) return {};
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: cfg.deploy.deploymentName, buildId: cfg.deploy.buildId },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

function groupOf(workers: Worker[]): WorkerGroup {
  const shutdown = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    workers,
    shutdown,
    async run() {
      const results = await Promise.allSettled(
        workers.map((w) =>
          w.run().catch((e: unknown) => {
            shutdown();
            throw e;
          }),
        ),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export { workflowsPath } from './workflow-code';
