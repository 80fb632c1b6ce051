import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { SluiceConfig } from '../config/load';
import { SINK_NAMES, sinkTaskQueue } from '../contracts/sinks';
import type { Logger } from '../shared/log';

const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
type WorkflowService = Connection['workflowService'];

export interface QueueBacklog {
  taskQueue: string;
  type: 'workflow' | 'activity';
  /** Tasks waiting for a worker (Temporal's approximate backlog count). */
  backlog: number;
  /** How long the oldest waiting task has waited, in seconds. */
  ageSeconds: number;
}

/** Every queue the fleet polls: the ingest queue (workflow and activity tasks) and one activity queue per sink. */
export function fleetQueues(ingestQueue: string): { taskQueue: string; type: QueueBacklog['type'] }[] {
  return [
    { taskQueue: ingestQueue, type: 'workflow' },
    { taskQueue: ingestQueue, type: 'activity' },
    ...SINK_NAMES.map((sink) => ({ taskQueue: sinkTaskQueue(ingestQueue, sink), type: 'activity' as const })),
  ];
}

/** Reads each fleet queue's approximate backlog from Temporal (DescribeTaskQueue with stats). */
export async function readBacklog(
  service: WorkflowService,
  namespace: string,
  ingestQueue: string,
): Promise<QueueBacklog[]> {
  return Promise.all(
    fleetQueues(ingestQueue).map(async ({ taskQueue, type }) => {
      const res = await service.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType:
          type === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportStats: true,
      });
      const age = res.stats?.approximateBacklogAge;
      return {
        taskQueue,
        type,
        backlog: Number(res.stats?.approximateBacklogCount ?? 0),
        ageSeconds: Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9,
      };
    }),
  );
}

/**
 * The CloudWatch data points for one reading. `Backlog` (dimension Fleet = the ingest queue) is the sum over all
 * queues: every waiting task is work a worker task would take, and every task polls every queue, so that sum
 * divided by running tasks is the autoscaling signal. Per-queue counts and ages are for dashboards and alarms.
 */
export function metricData(ingestQueue: string, readings: QueueBacklog[], at: Date): MetricDatum[] {
  const total = readings.reduce((n, r) => n + r.backlog, 0);
  return [
    {
      MetricName: 'Backlog',
      Dimensions: [{ Name: 'Fleet', Value: ingestQueue }],
      Value: total,
      Unit: 'Count',
      Timestamp: at,
    },
    ...readings.flatMap((r): MetricDatum[] => {
      const dims = [
        { Name: 'TaskQueue', Value: r.taskQueue },
        { Name: 'TaskType', Value: r.type },
      ];
      return [
        { MetricName: 'QueueBacklog', Dimensions: dims, Value: r.backlog, Unit: 'Count', Timestamp: at },
        { MetricName: 'QueueBacklogAge', Dimensions: dims, Value: r.ageSeconds, Unit: 'Seconds', Timestamp: at },
      ];
    }),
  ];
}

export function createCloudWatch(cfg: SluiceConfig): CloudWatchClient {
  return new CloudWatchClient({
    region: process.env.AWS_REGION || cfg.s3.region,
    ...(cfg.deploy.cloudwatchEndpoint ? { endpoint: cfg.deploy.cloudwatchEndpoint } : {}),
    maxAttempts: 3,
  });
}

export interface PublisherDeps {
  cfg: SluiceConfig;
  service: WorkflowService;
  cloudwatch: CloudWatchClient;
  log: Logger;
}

/** One reading, published; returns what was read. */
export async function publishBacklogOnce(deps: PublisherDeps): Promise<QueueBacklog[]> {
  const { cfg } = deps;
  const readings = await readBacklog(deps.service, cfg.temporal.namespace, cfg.temporal.taskQueue);
  await deps.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: cfg.deploy.backlogNamespace,
      MetricData: metricData(cfg.temporal.taskQueue, readings, new Date()),
    }),
  );
  return readings;
}

/**
 * Publishes every SLUICE_BACKLOG_INTERVAL until the signal aborts. A failed round (Temporal or CloudWatch
 * unreachable) is logged and the next one tried: the scaling policy holds its last decision meanwhile, which is
 * the safe side for a fleet that must keep draining.
 */
export async function runBacklogPublisher(deps: PublisherDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const readings = await publishBacklogOnce(deps);
      deps.log.debug('backlog published', { backlog: readings.reduce((n, r) => n + r.backlog, 0) });
    } catch (e) {
      deps.log.warn('backlog not published this round', { error: (e as Error).message });
    }
    await sleep(deps.cfg.deploy.backlogInterval, undefined, { signal }).catch(() => undefined);
  }
}

export async function connectTemporal(cfg: SluiceConfig): Promise<Connection> {
  return Connection.connect({ address: cfg.temporal.address });
}
