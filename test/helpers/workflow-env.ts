import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type SluiceConfig } from '../../src/config/load';
import type { FileRef, IngestInput, IngestOptions } from '../../src/contracts/ingest';
import { INGEST_WORKFLOW } from '../../src/contracts/messages';
import { createLogger } from '../../src/shared/log';
import { createWorker } from '../../src/worker/worker';
import { uniq } from './env';
import { MemoryS3 } from './fakes/memory-s3';
import { memorySinks } from './fakes/memory-sink';

/**
 * The production worker (same activities, same workflow code, same task queues) on a time-skipping test server,
 * with S3 and every sink in memory behind their own interfaces: workflow logic tested in seconds, no servers.
 */
export async function startMemoryWorker(env: TestWorkflowEnvironment) {
  const cfg: SluiceConfig = loadConfig({ HOME: '/tmp' });
  const { landingBucket, stagingBucket, quarantineBucket, processedBucket } = cfg.s3;
  const s3 = new MemoryS3([landingBucket, stagingBucket, quarantineBucket, processedBucket]);
  const sinks = memorySinks();
  const taskQueue = uniq('wf');
  const sw = await createWorker(cfg, {
    connection: env.nativeConnection,
    taskQueue,
    log: createLogger('error'),
    clients: { s3: s3.asClient(), sinks },
  });
  const running = sw.worker.run();

  /** Puts `lines` into the landing bucket as one file of the tenant: the workflow's input. */
  function file(tenant: string, lines: string[]): FileRef {
    const key = `uploads/${tenant}/${uniq('f')}.ndjson`;
    const etag = s3.put(landingBucket, key, `${lines.join('\n')}\n`);
    return { bucket: landingBucket, key, etag, tenant, logType: 'json' };
  }

  function start(ref: FileRef, options: IngestOptions = {}) {
    const input: IngestInput = { file: ref, options };
    return env.client.workflow.start(INGEST_WORKFLOW, {
      taskQueue,
      workflowId: `ingest/${ref.tenant}/${ref.key}`,
      args: [input],
    });
  }

  return {
    cfg,
    s3,
    sinks,
    taskQueue,
    file,
    start,
    async stop() {
      sw.worker.shutdown();
      await running;
      await sw.close();
    },
  };
}

/** `n` JSON records, one a line, numbered from 1 (line n holds {"n": n}). */
export const records = (n: number, pad = 40): string[] =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ n: i + 1, pad: 'x'.repeat(pad) }));

/** Polls `probe` while server time skips ahead `stepMs` each time; fails after `tries`. */
export async function eventually<T>(
  env: TestWorkflowEnvironment,
  probe: () => Promise<T | undefined>,
  stepMs = 10_000,
  tries = 200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await env.sleep(stepMs);
  }
  throw new Error(`condition not met after ${tries} steps of ${stepMs} ms server time`);
}

/**
 * Temporal's JSON history form (as `temporal workflow show -o json` writes it, and src/ops/replay-check.ts reads).
 * Loaded with Node's own require: through vitest's module loader, @temporalio/common's protobufjs and the client's
 * history messages do not match ("type must be a Type").
 */
const { historyToJSON } = createRequire(__filename)(
  '@temporalio/common/lib/proto-utils',
) as typeof import('@temporalio/common/lib/proto-utils');

/** Where replay fixtures live (with the ones `sluice replay-check --record` took): test/unit/replay-check.test.ts replays them. */
export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With SLUICE_RECORD_HISTORIES=1, writes the history of every run of a finished workflow to
 * test/fixtures/histories/workflow-<name>[-run<N>].json (see README, "Replay safety").
 */
export async function recordHistories(
  env: TestWorkflowEnvironment,
  name: string,
  handle: WorkflowHandleWithFirstExecutionRunId,
): Promise<void> {
  if (process.env.SLUICE_RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const runs: string[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await env.client.workflow
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    runs.push(historyToJSON(history as temporal.api.history.v1.History));
    const last: temporal.api.history.v1.IHistoryEvent | undefined = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  runs.forEach((json, i) => {
    const file = runs.length > 1 ? `workflow-${name}-run${i + 1}.json` : `workflow-${name}.json`;
    writeFileSync(path.join(HISTORIES_DIR, file), `${json}\n`);
  });
}
