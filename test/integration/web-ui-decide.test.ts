import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestStatus, IngestSummary } from '../../src/contracts/ingest';
import { statusQuery } from '../../src/contracts/messages';
import { generateEvents } from '../../src/demo/generate';
import { opensearch, sinkCounts, tempDir, uniq, upload, useWorker, writeLines } from '../helpers/ingest';
import { CHROMIUM_PATH } from '../helpers/web-ui';
import { WebUiOperator } from '../helpers/web-ui-operator';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium)
  console.warn(`web-ui-decide.test.ts: skipped: ${CHROMIUM_PATH} is missing (.ci/install-browser installs it)`);

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results', 'web-ui');
const RECORDS = 200;
const w = useWorker();

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, tries = 300): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  if (!ok(v)) throw new Error(`${what}: still ${JSON.stringify(v)}`);
  return v;
}

/** True once the worker has handled every event up to the last signal named `name` (a task completed after it). */
async function signalHandled(handle: WorkflowHandle, name: string): Promise<boolean> {
  const events = (await handle.fetchHistory()).events ?? [];
  const signaled = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).at(-1);
  if (!signaled) return false;
  return events.some((e) => e.workflowTaskCompletedEventAttributes && Number(e.eventId) > Number(signaled.eventId));
}

describe.skipIf(!hasChromium)('an operator decides from the Temporal Web UI', () => {
  let ui: WebUiOperator | undefined;
  afterAll(async () => {
    await ui?.close();
  });

  it('finds the parked file with the query box, reads why it waits, a drop without reason is ignored, approve completes it', async () => {
    const tenant = uniq('uidecide');
    const template = `test-conflict-${tenant}`;
    // An operator's mistake: a template that maps addresses as integers for this tenant's indices.
    await opensearch.indices.putIndexTemplate({
      name: template,
      body: {
        index_patterns: [`${w.cfg.opensearch.indexPrefix}-${tenant}-*`],
        priority: 500,
        template: { mappings: { properties: { indicators: { properties: { ips: { type: 'integer' } } } } } },
      },
    });
    const file = await writeLines(path.join(await tempDir(), 'conn.ndjson'), generateEvents('zeek', RECORDS, 7));
    const ref = await upload(file, tenant, 'zeek');
    const handle = await w.client.start(ref);
    const id = handle.workflowId;
    await until(
      'the file never parked',
      () => handle.query(statusQuery),
      (p: IngestStatus) => p.awaiting.length === 1,
    );

    ui = await WebUiOperator.launch(w.cfg.temporal.uiUrl, w.cfg.temporal.namespace, SCREENSHOTS);
    const listed = await ui.search(
      `PipelineStatus="AwaitingDecision" AND ExecutionStatus="Running" AND Tenant="${tenant}"`,
      id,
    );
    expect(listed).toEqual([id]);
    await ui.openFromList(id);

    // Why it waits, since when, what is affected and what to send: all on the page, without a terminal.
    const meta = await ui.userMetadata();
    await ui.screenshot('decide-awaiting');
    const kib = `${((ref.size as number) / 1024).toFixed(1)} KiB`;
    expect(meta.summary).toBe(`${tenant} · zeek · s3://${ref.bucket}/${ref.key} · ${kib}`);
    expect(meta.details).toContain(`Tenant: ${tenant}`);
    expect(meta.details).toContain(`ETag: ${ref.etag}`);
    const since = (await handle.query(statusQuery)).awaiting[0]?.since;
    expect(meta.currentDetails).toContain(
      `Awaiting a decision since ${since}: stage opensearch, chunks 0, ${RECORDS} records`,
    );
    expect(meta.currentDetails).toMatch(/Error \(TooManyRejected\): more than 10 records of chunk 0 were rejected/);
    expect(meta.currentDetails).toContain('Send a Signal approve with input {"by":"YOUR NAME","stage":"opensearch"}');
    expect(meta.currentDetails).toContain(
      `temporal workflow signal --workflow-id '${id}' --name approve --input '{"by":"YOUR NAME","stage":"opensearch"}'`,
    );
    expect(meta.currentDetails).toContain(`Written: s3 ${RECORDS}, snowflake ${RECORDS}, opensearch 0`);
    // The timeline names each activity's work, bisection steps included.
    expect(meta.eventSummaries).toEqual(
      expect.arrayContaining([
        `sink_opensearch chunk 0 (${RECORDS} records)`,
        `sink_snowflake chunk 0 (${RECORDS} records)`,
        'processChunk chunk 0',
        'sink_opensearch chunk 0 lines 1–100 (bisecting rejected records)',
      ]),
    );

    // A drop without a reason cannot be refused (it is a signal): it is logged and ignored, the work keeps waiting.
    await ui.sendSignal('drop', { by: 'ops-ui' });
    await until('the drop signal was not handled', () => signalHandled(handle, 'drop'), Boolean);
    const afterDrop = await handle.query(statusQuery);
    expect(afterDrop.status).toBe('AwaitingDecision');
    expect(afterDrop.awaiting).toHaveLength(1);
    expect(afterDrop.decisions).toEqual([]);
    expect(afterDrop.dropped).toEqual([]);

    // The operator fixes the mapping, then approves from the same dialog.
    await opensearch.indices.deleteIndexTemplate({ name: template });
    await opensearch.indices.delete({ index: `${w.cfg.opensearch.indexPrefix}-${tenant}-*` });
    await ui.sendSignal('approve', { by: 'ops-ui' });
    const summary = (await handle.result()) as IngestSummary;
    await ui.screenshot('decide-approved');
    expect(summary.status).toBe('Completed');
    expect(summary.decisions).toMatchObject([{ kind: 'approve', by: 'ops-ui', stage: 'opensearch', chunks: [0] }]);
    expect(await sinkCounts(tenant)).toEqual({
      s3: RECORDS,
      s3Distinct: RECORDS,
      opensearch: RECORDS,
      snowflake: { rows: RECORDS, distinct: RECORDS },
    });
  });
});
