import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { STAGE_ACTIVITIES } from '../contracts/ingest';
import { M } from './names';

/** The pipeline stage an activity belongs to: a bounded label whatever activities are added later. */
export function stageOf(activityType: string): string {
  return STAGE_ACTIVITIES[activityType] ?? 'bookkeeping';
}

/**
 * The error type of a failed attempt, as a label: the ApplicationFailure type or the error's class name, cut to a
 * safe identifier. Types come from code (Throttled, MappingConflict, ECONNREFUSED…), never from data.
 */
export function errorTypeOf(err: unknown): string {
  const raw =
    err instanceof ApplicationFailure
      ? (err.type ?? 'ApplicationFailure')
      : err instanceof Error
        ? ((err as NodeJS.ErrnoException).code ?? err.name)
        : 'Unknown';
  const clean = String(raw)
    .replace(/[^A-Za-z0-9_]/g, '_')
    .slice(0, 48);
  return clean || 'Unknown';
}

/**
 * Every activity attempt, timed and counted by stage and outcome, failures by error type: retries and failures
 * by stage without touching the activities. Uses the activity context's meter, so Temporal's namespace and
 * task-queue labels come along.
 */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const stage = stageOf(ctx.info.activityType);
      const meter = ctx.metricMeter.withTags({ stage });
      const started = performance.now();
      let outcome = 'ok';
      try {
        return await next(input);
      } catch (err) {
        outcome = 'error';
        meter.createCounter(M.activityFailures, '', 'Failed activity attempts by stage and error type').add(1, {
          error_type: errorTypeOf(err),
        });
        throw err;
      } finally {
        meter
          .createHistogram(M.activitySeconds, 'float', 's', 'Duration of one activity attempt by stage')
          .record((performance.now() - started) / 1000, { outcome });
        meter.createCounter(M.activityAttempts, '', 'Activity attempts by stage and outcome').add(1, { outcome });
      }
    },
  },
});
