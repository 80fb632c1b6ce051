import path from 'node:path';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AwaitingDecisionSince,
  FailedStage,
  LogType,
  PipelineStatus,
  SourceKey,
  Tenant,
} from '../../src/contracts/search-attributes';
import type { TimerActivities, TimerInput, timerWorkflow } from '../fixtures/timer-workflow';
import { uniq } from '../helpers/env';
import { createTimeSkippingEnv, testServerLauncher } from '../helpers/time-skipping';

// Runs on the Java time-skipping test server (its own process per env), not on the local stack.
const workflowsPath = path.join(__dirname, '..', 'fixtures', 'timer-workflow.ts');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What one activity attempt saw: the SDK's attempt info, and the server clock when it ran. */
interface Attempt {
  attempt: number;
  scheduledMs: number;
  currentAttemptScheduledMs: number;
  serverNowMs: number;
}

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  const started = Date.now();
  env = await createTimeSkippingEnv();
  process.stderr.write(`[test-server] time-skipping env ready in ${Date.now() - started} ms\n`);
});

afterAll(async () => {
  await env?.teardown();
});

/** Runs the fixture on a fresh task queue; `step` fails while `failWhile(attempt)` says so. */
async function run(input: Omit<TimerInput, 'key'>, failWhile: (a: Attempt) => boolean) {
  const taskQueue = uniq('time-skip');
  const attempts: Attempt[] = [];
  const activities: TimerActivities = {
    async step(key) {
      const { info } = Context.current();
      const a: Attempt = {
        attempt: info.attempt,
        scheduledMs: info.scheduledTimestampMs,
        currentAttemptScheduledMs: info.currentAttemptScheduledTimestampMs,
        serverNowMs: await env.currentTimeMs(),
      };
      attempts.push(a);
      if (failWhile(a)) throw new Error(`sink down (attempt ${a.attempt})`);
      return `${key}@${a.attempt}`;
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  const workflowId = uniq('timer');
  const serverBefore = await env.currentTimeMs();
  const wallBefore = Date.now();
  const result = await worker.runUntil(
    env.client.workflow.execute<typeof timerWorkflow>('timerWorkflow', {
      taskQueue,
      workflowId,
      args: [{ ...input, key: workflowId }],
    }),
  );
  const wallMs = Date.now() - wallBefore;
  const serverMs = (await env.currentTimeMs()) - serverBefore;
  return { result, attempts, wallMs, serverMs, workflowId };
}

describe('time-skipping test server (Java, from Maven Central)', () => {
  it('a 5-hour timer passes in seconds; the registered search attributes upsert and clear', async () => {
    const r = await run({ sleep: '5 hours' }, () => false);
    process.stderr.write(`[time-skip] 5h timer: wall ${r.wallMs} ms, server +${r.serverMs} ms\n`);
    expect(r.wallMs).toBeLessThan(60_000);
    expect(r.result.activity).toBe(`${r.workflowId}@1`);
    // Workflow time (Date.now() in the workflow) and the server clock both moved at least 5 hours.
    expect(r.result.wokeAtMs - r.result.startedAtMs).toBeGreaterThanOrEqual(5 * HOUR);
    expect(r.serverMs).toBeGreaterThanOrEqual(5 * HOUR);
    // The activity ran after the timer, on the skipped clock, not on the wall clock.
    expect(r.attempts[0].serverNowMs - r.result.startedAtMs).toBeGreaterThanOrEqual(5 * HOUR);
    expect(r.attempts[0].currentAttemptScheduledMs - r.result.startedAtMs).toBeGreaterThanOrEqual(5 * HOUR);

    const sa = (await env.client.workflow.getHandle(r.workflowId).describe()).typedSearchAttributes;
    expect(sa.get(PipelineStatus)).toBe('Completed');
    expect(sa.get(Tenant)).toBe('acme');
    expect(sa.get(SourceKey)).toBe(`s3://bucket/${r.workflowId}`);
    expect(sa.get(LogType)).toBe('cloudtrail');
    expect(sa.get(FailedStage)).toBeUndefined();
    expect(sa.get(AwaitingDecisionSince)).toBeUndefined();
  });

  it('activity retries (1 min, ×2) are skipped; currentAttemptScheduledTimestampMs is server time', async () => {
    const r = await run({}, (a) => a.attempt <= 3);
    process.stderr.write(`[time-skip] retries: wall ${r.wallMs} ms, attempts ${JSON.stringify(r.attempts)}\n`);
    expect(r.wallMs).toBeLessThan(60_000);
    expect(r.result.activity).toBe(`${r.workflowId}@4`);
    expect(r.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    const [first, ...retries] = r.attempts;
    expect(first.currentAttemptScheduledMs).toBe(first.scheduledMs);
    retries.forEach((a, i) => {
      const prev = r.attempts[i];
      const backoff = MINUTE * 2 ** i; // 1, 2, 4 minutes
      // Attempt n really starts one backoff after attempt n-1 failed, in server time …
      expect(a.serverNowMs - prev.serverNowMs).toBeGreaterThanOrEqual(backoff);
      expect(a.serverNowMs - prev.serverNowMs).toBeLessThan(backoff + 10_000);
      // … but the Java test server stamps currentAttemptScheduledTime when it decides to retry (the moment
      // attempt n-1 failed), not when the backoff ends as the real server does: it lags one backoff behind.
      expect(a.currentAttemptScheduledMs - prev.serverNowMs).toBeGreaterThanOrEqual(0);
      expect(a.currentAttemptScheduledMs - prev.serverNowMs).toBeLessThan(10_000);
      expect(a.scheduledMs).toBe(first.scheduledMs);
    });
    // 1 + 2 + 4 minutes of backoff passed on the server clock, in well under a minute of wall time.
    expect(r.result.finishedAtMs - r.result.wokeAtMs).toBeGreaterThanOrEqual(7 * MINUTE);
  });

  it('a sink can fail "for 5 hours" of server time and the workflow still completes in seconds', async () => {
    const r = await run({}, (a) => a.currentAttemptScheduledMs - a.scheduledMs < 5 * HOUR);
    const last = r.attempts[r.attempts.length - 1];
    process.stderr.write(
      `[time-skip] 5h outage: wall ${r.wallMs} ms, ${r.attempts.length} attempts, last at +${last.currentAttemptScheduledMs - last.scheduledMs} ms\n`,
    );
    expect(r.wallMs).toBeLessThan(60_000);
    expect(r.result.activity).toBe(`${r.workflowId}@${last.attempt}`);
    expect(last.currentAttemptScheduledMs - last.scheduledMs).toBeGreaterThanOrEqual(5 * HOUR);
    // Attempts start at +0, 1, 3, 7, 15, 31 min, then every 30 min (maximumInterval): attempt 15 at +301 min.
    // Attempt 16 is the first whose stamp (attempt 15's failure, one backoff lag) is 5 h past the first one.
    expect(r.attempts.length).toBe(16);
  });

  it('without registration the test server rejects the custom search attributes (start and upsert)', async () => {
    const bare = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: await testServerLauncher() } },
    });
    try {
      const taskQueue = uniq('unregistered');
      // Starting with one: the gRPC call fails with INVALID_ARGUMENT (3).
      await expect(
        bare.client.workflow.start('timerWorkflow', {
          taskQueue,
          workflowId: uniq('unregistered'),
          args: [{ key: 'x' }],
          typedSearchAttributes: [{ key: PipelineStatus, value: 'Running' }],
        }),
      ).rejects.toMatchObject({ cause: { code: 3, details: expect.stringMatching(/PipelineStatus is not defined/) } });
      // Upserting one from the workflow: the worker reports the workflow task failed (BadSearchAttributes), and
      // retries it without end; the workflow never gets past its first upsert.
      const worker = await Worker.create({
        connection: bare.nativeConnection,
        taskQueue,
        workflowsPath,
        activities: { step: async (key: string) => key },
      });
      const handle = await bare.client.workflow.start('timerWorkflow', {
        taskQueue,
        workflowId: uniq('unregistered'),
        args: [{ key: 'x' }],
      });
      const taskFailure = async () => {
        const { events } = await handle.fetchHistory();
        return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
      };
      const failure = await worker.runUntil(async () => {
        for (let i = 0; i < 150; i++) {
          const f = await taskFailure();
          if (f) return f;
          await new Promise((r) => setTimeout(r, 100));
        }
        return undefined;
      });
      expect(failure?.message).toMatch(/^BadSearchAttributes: search attribute \w+ is not defined$/);
    } finally {
      await bare.teardown();
    }
  });
});
