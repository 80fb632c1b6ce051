import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `work` runs. With a heartbeat timeout on the activity, the server learns
 * within seconds that a worker died (kill -9, a stopped ECS task) and retries the work elsewhere, instead of
 * waiting out the whole start-to-close timeout.
 */
export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
