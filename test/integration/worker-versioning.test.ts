import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIngestClient } from '../../src/client/ingest-client';
import type { SluiceConfig } from '../../src/config/load';
import { generateEvents } from '../../src/demo/generate';
import { createLogger } from '../../src/shared/log';
import { createWorker, type SluiceWorker } from '../../src/worker/worker';
import { cfg as baseCfg } from '../helpers/env';
import { sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';

/**
 * A versioned worker (SLUICE_WORKER_VERSIONING) on the dev server: it registers its Worker Deployment version,
 * the version is made current as a rollout would, and a file then runs on it with the auto-upgrade behaviour.
 */
describe('worker deployment versioning', () => {
  const deploymentName = uniq('sluice-deploy');
  const buildId = 'build-1';
  const taskQueue = uniq('versioned');
  const cfg: SluiceConfig = {
    ...baseCfg,
    temporal: { ...baseCfg.temporal, taskQueue },
    deploy: { ...baseCfg.deploy, versioning: true, deploymentName, buildId },
  };
  let sw: SluiceWorker;
  let running: Promise<void>;
  let connection: Connection;

  beforeAll(async () => {
    sw = await createWorker(cfg, { log: createLogger('error') });
    running = sw.worker.run();
    connection = await Connection.connect({ address: cfg.temporal.address });
  });

  afterAll(async () => {
    sw?.worker.shutdown();
    await running;
    await sw?.close();
    await connection?.close();
  });

  it('makes the version current, runs a file on it, and records the auto-upgrade behaviour', async () => {
    // The version exists once the worker's pollers have reached the server.
    let lastError: unknown;
    for (let i = 0; i < 60; i++) {
      try {
        await connection.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: cfg.temporal.namespace,
          deploymentName,
          buildId,
          identity: 'sluice-test',
        });
        lastError = undefined;
        break;
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    expect(lastError).toBeUndefined();

    const tenant = uniq('versioned');
    const ref = await upload(
      await writeLines(path.join(await tempDir(), 'conn.ndjson'), generateEvents('zeek', 200, 3)),
      tenant,
      'zeek',
    );
    const client = await connectIngestClient(cfg);
    try {
      const handle = await client.start(ref);
      const summary = (await handle.result()) as { parsed: number };
      expect(summary.parsed).toBe(200);
      const raw = await connection.workflowService.describeWorkflowExecution({
        namespace: cfg.temporal.namespace,
        execution: { workflowId: handle.workflowId },
      });
      const info = raw.workflowExecutionInfo?.versioningInfo;
      expect(info?.behavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);
      expect(info?.deploymentVersion).toMatchObject({ deploymentName, buildId });
    } finally {
      await client.close();
    }
    expect(await sinkCounts(tenant)).toEqual({
      s3: 200,
      s3Distinct: 200,
      opensearch: 200,
      snowflake: { rows: 200, distinct: 200 },
    });
  });
});
