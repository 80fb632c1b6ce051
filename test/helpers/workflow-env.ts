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
