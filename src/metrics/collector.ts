import type { MetricMeter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import type { SluiceConfig } from '../config/load';
import { STAGES } from '../contracts/ingest';
import { INGEST_WORKFLOW } from '../contracts/messages';
import { SINK_NAMES, sinkTaskQueue } from '../contracts/sinks';
import type { Logger } from '../shared/log';
import { M } from './names';

const { TaskQueueType } = temporal.api.enums.v1;

/** Most open files read to find the oldest; past that many the age shown may be understated, and a count alert is already loud. */
const MAX_LISTED = 1000;

/**
 * Fleet-wide gauges that no single worker sees: files running and awaiting a decision by stage (visibility
 * counts), how long the oldest has waited, and each task queue's backlog. One process collects them
 * (SLUICE_METRICS_COLLECTOR), so they are not multiplied by the fleet size.
 */
export function startCollector(
  cfg: SluiceConfig,
  connection: NativeConnection,
  meter: MetricMeter,
  log: Logger,
): { stop(): void } {
  const ns = cfg.temporal.namespace;
  const svc = connection.workflowService;
  const files = meter.createGauge(M.files, 'int', '', 'Ingest workflows open, by state and (awaiting) stage');
  const oldestRunning = meter.createGauge(M.oldestRunning, 'float', 's', 'Age of the oldest running ingest');
  const oldestAwaiting = meter.createGauge(M.oldestAwaiting, 'float', 's', 'Longest wait for a decision');
  const backlog = meter.createGauge(M.backlog, 'int', '', 'Approximate tasks waiting in a task queue');
  const backlogAge = meter.createGauge(M.backlogAge, 'float', 's', 'Age of the oldest task in a task queue');
  const up = meter.createGauge(M.collectorUp, 'int', '', '1 when the last collection succeeded');
  // This fleet's files only: another deployment (or a test) sharing the namespace uses another task queue.
  const base = `WorkflowType="${INGEST_WORKFLOW}" AND ExecutionStatus="Running" AND TaskQueue="${cfg.temporal.taskQueue}"`;
  const count = async (query: string) =>
    Number((await svc.countWorkflowExecutions({ namespace: ns, query })).count ?? 0);

  /** Start time (or decision wait start) of the oldest matching workflow, from a bounded listing. */
  async function oldest(query: string, pick: (e: temporal.api.workflow.v1.IWorkflowExecutionInfo) => number) {
    let min = Number.POSITIVE_INFINITY;
    let nextPageToken: Uint8Array | undefined;
    let seen = 0;
    do {
      const page = await svc.listWorkflowExecutions({ namespace: ns, query, pageSize: 200, nextPageToken });
      for (const e of page.executions ?? []) min = Math.min(min, pick(e));
      seen += page.executions?.length ?? 0;
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && seen < MAX_LISTED);
    return Number.isFinite(min) ? (Date.now() - min) / 1000 : 0;
  }

  async function collect(): Promise<void> {
    files.set(await count(`${base} AND PipelineStatus="Running"`), { state: 'running', stage: 'any' });
    for (const stage of STAGES) {
      const n = await count(`${base} AND PipelineStatus="AwaitingDecision" AND FailedStage="${stage}"`);
      files.set(n, { state: 'awaiting_decision', stage });
    }
    oldestRunning.set(await oldest(`${base} AND PipelineStatus="Running"`, (e) => millis(e.startTime)));
    oldestAwaiting.set(
      await oldest(`${base} AND PipelineStatus="AwaitingDecision"`, (e) => {
        const since = decodeDatetime(e.searchAttributes?.indexedFields?.AwaitingDecisionSince?.data);
        return since ?? millis(e.startTime);
      }),
    );
    const queues: [string, number][] = [
      [cfg.temporal.taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
      [cfg.temporal.taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
      ...SINK_NAMES.map(
        (s) => [sinkTaskQueue(cfg.temporal.taskQueue, s), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY] as [string, number],
      ),
    ];
    for (const [name, type] of queues) {
      const res = await svc.describeTaskQueue({
        namespace: ns,
        taskQueue: { name },
        taskQueueType: type,
        reportStats: true,
      });
      const tags = {
        task_queue: name,
        kind: type === TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW ? 'workflow' : 'activity',
      };
      backlog.set(Number(res.stats?.approximateBacklogCount ?? 0), tags);
      const age = res.stats?.approximateBacklogAge;
      backlogAge.set(age ? Number(age.seconds ?? 0) + (age.nanos ?? 0) / 1e9 : 0, tags);
    }
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    try {
      await collect();
      up.set(1);
    } catch (e) {
      // A visibility or frontend hiccup must not take the worker down; the gauge (and an alert) tells.
      up.set(0);
      log.warn('metrics collection failed', { error: (e as Error).message });
    }
    if (!stopped) timer = setTimeout(loop, cfg.metrics.collectInterval);
  };
  void loop();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function millis(t: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']): number {
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : Date.now();
}

/** A Datetime search attribute's payload is a JSON string of an RFC 3339 time. */
function decodeDatetime(data: Uint8Array | null | undefined): number | undefined {
  if (!data?.length) return undefined;
  try {
    const t = Date.parse(JSON.parse(Buffer.from(data).toString('utf8')) as string);
    return Number.isNaN(t) ? undefined : t;
  } catch {
    return undefined;
  }
}
