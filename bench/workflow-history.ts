import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { STAGE_ACTIVITIES, STAGES, type Stage } from '../src/contracts/ingest';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** Which stage each activity type does; bookkeeping activities (quarantine, audit) belong to none. */
const STAGE_OF: Readonly<Record<string, Stage>> = STAGE_ACTIVITIES;

/** What one stage's activities did, over all runs of a file's workflow. */
export interface StageTiming {
  /** Activities that completed. */
  activities: number;
  /** Attempts beyond the first, summed. */
  retries: number;
  /** Activities that ended failed, timed out or cancelled. */
  failed: number;
  /** Sum of (completed − started) of the last attempt: time a worker slot spent on this stage. */
  busyMs: number;
  /** Sum of (started − scheduled): time waiting for a worker slot (and, for retried ones, in backoff). */
  waitMs: number;
  /** First scheduled to last completed: how long the stage was going on. */
  wallMs: number;
}

export interface HistoryFigures {
  runs: number;
  /** History events, summed over every run (continue-as-new starts a new history). */
  events: number;
  eventsPerRun: number[];
  /** The first run's start and the last run's close, server time (epoch ms). */
  startedAtMs: number;
  closedAtMs: number;
  stages: Record<Stage, StageTiming>;
}

const ms = (e: HistoryEvent) => tsToMs(e.eventTime);
const id = (n: unknown) => Number(n);

/**
 * A file's whole history: its runs are followed from the first through each continue-as-new to the last,
 * which, unlike a visibility query, is never behind the server.
 */
async function histories(client: Client, workflowId: string, firstRunId: string): Promise<History[]> {
  const out: History[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    out.push(history);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

function emptyTiming(): StageTiming & { first: number; last: number } {
  return { activities: 0, retries: 0, failed: 0, busyMs: 0, waitMs: 0, wallMs: 0, first: Infinity, last: 0 };
}

export async function historyFigures(client: Client, workflowId: string, firstRunId: string): Promise<HistoryFigures> {
  const runs = await histories(client, workflowId, firstRunId);
  const timing = Object.fromEntries(STAGES.map((s) => [s, emptyTiming()])) as Record<
    Stage,
    ReturnType<typeof emptyTiming>
  >;
  for (const run of runs) {
    const scheduled = new Map<number, { stage: Stage | undefined; at: number }>();
    const started = new Map<number, { at: number; attempt: number }>();
    for (const e of run.events ?? []) {
      const sched = e.activityTaskScheduledEventAttributes;
      if (sched) scheduled.set(id(e.eventId), { stage: STAGE_OF[sched.activityType?.name ?? ''], at: ms(e) });
      const start = e.activityTaskStartedEventAttributes;
      if (start) started.set(id(e.eventId), { at: ms(e), attempt: start.attempt ?? 1 });
      const closed =
        e.activityTaskCompletedEventAttributes ??
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      if (!closed) continue;
      const s = scheduled.get(id(closed.scheduledEventId));
      if (!s?.stage) continue;
      const t = timing[s.stage];
      const st = started.get(id((closed as { startedEventId?: unknown }).startedEventId));
      if (e.activityTaskCompletedEventAttributes) t.activities += 1;
      else t.failed += 1;
      if (st) {
        t.retries += st.attempt - 1;
        t.busyMs += ms(e) - st.at;
        t.waitMs += st.at - s.at;
      }
      t.first = Math.min(t.first, s.at);
      t.last = Math.max(t.last, ms(e));
    }
  }
  const stages = Object.fromEntries(
    STAGES.map((s) => {
      const { first, last, ...t } = timing[s];
      return [s, { ...t, wallMs: last > first ? last - first : 0 }];
    }),
  ) as Record<Stage, StageTiming>;
  const firstEvent = runs[0]?.events?.[0];
  const lastEvent = runs.at(-1)?.events?.at(-1);
  return {
    runs: runs.length,
    events: runs.reduce((n, r) => n + (r.events?.length ?? 0), 0),
    eventsPerRun: runs.map((r) => r.events?.length ?? 0),
    startedAtMs: firstEvent ? ms(firstEvent) : 0,
    closedAtMs: lastEvent ? ms(lastEvent) : 0,
    stages,
  };
}
