import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_WORKFLOW } from '../../src/contracts/messages';
import { PipelineStatus, Tenant } from '../../src/contracts/search-attributes';
import { cfg, uniq } from '../helpers/env';
import { CHROMIUM_PATH, findWorkflowsInWebUi } from '../helpers/web-ui';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  console.warn(
    `web-ui.test.ts: skipped: ${CHROMIUM_PATH} is missing (run .ci/install-browser to install Debian's chromium)`,
  );
}

const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-results', 'web-ui');

describe.skipIf(!hasChromium)('Temporal Web UI in a real browser', () => {
  const tenant = uniq('webui-tenant');
  const workflowId = uniq('webui-awaiting');
  let connection: Connection;
  let client: Client;
  let started = false;

  beforeAll(async () => {
    connection = await Connection.connect({ address: cfg.temporal.address });
    client = new Client({ connection, namespace: cfg.temporal.namespace });
    // No worker polls this task queue, so the workflow stays open; the search attributes set at start make it
    // match an operator's "stuck files" query without any worker running.
    await client.workflow.start(INGEST_WORKFLOW, {
      taskQueue: uniq('no-worker'),
      workflowId,
      args: [{}],
      typedSearchAttributes: [
        { key: PipelineStatus, value: 'AwaitingDecision' },
        { key: Tenant, value: tenant },
      ],
    });
    started = true;
  });

  afterAll(async () => {
    try {
      if (started) await client.workflow.getHandle(workflowId).terminate('web-ui test done');
    } finally {
      await connection?.close();
    }
  });

  it('an operator finds the waiting file by typing PipelineStatus="AwaitingDecision" into the workflow list', async () => {
    const screenshotPath = path.join(SCREENSHOT_DIR, 'awaiting-decision.png');
    const { listedIds, appliedVia } = await findWorkflowsInWebUi({
      uiUrl: cfg.temporal.uiUrl,
      namespace: cfg.temporal.namespace,
      query: `ExecutionStatus="Running" AND PipelineStatus="AwaitingDecision" AND Tenant="${tenant}"`,
      expectWorkflowIds: [workflowId],
      screenshotPath,
      timeoutMs: 90_000,
    });
    expect(appliedVia).toBe('typed');
    // The tenant is unique to this run, so the filtered list holds exactly this workflow.
    expect(listedIds).toEqual([workflowId]);
    expect(existsSync(screenshotPath)).toBe(true);
  });
});
