import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/contracts/ingest';
import { statusQuery } from '../../src/contracts/messages';
import { generateEvents } from '../../src/demo/generate';
import { PINS } from '../../src/stack/tools';
import { runSluice } from '../helpers/cli';
import { opensearch, sinkCounts, tempDir, uniq, upload, useWorker, writeLines } from '../helpers/ingest';
import { findWorkflowsInWebUi } from '../helpers/web-ui';

const repo = path.resolve(__dirname, '..', '..');
const w = useWorker();

function exec(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (error, out, err) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out, err }),
    ),
  );
}
/** The stock Temporal CLI the stack built. */
const temporal = (args: string[]) =>
  exec(path.join(w.cfg.stack.toolsDir, `temporal-${PINS.temporal.version}`, 'temporal'), [
    ...args,
    '--address',
    w.cfg.temporal.address,
  ]);
const sluice = (args: string[]) => runSluice(args, { SLUICE_TASK_QUEUE: w.taskQueue });

describe('a file OpenSearch rejects waits for a person, found and resolved with stock tools', () => {
  it('parks on a mapping conflict; temporal workflow list, sluice stuck and the Web UI find it; a stock signal resolves it', async () => {
    const tenant = uniq('park');
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
    const dir = await tempDir();
    const ref = await upload(
      await writeLines(path.join(dir, 'conn.ndjson'), generateEvents('zeek', 200, 5)),
      tenant,
      'zeek',
    );
    const handle = await w.client.start(ref);

    let awaiting = (await handle.query(statusQuery)).awaiting;
    for (let i = 0; i < 600 && !awaiting.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      awaiting = (await handle.query(statusQuery)).awaiting;
    }
    expect(awaiting).toHaveLength(1);
    expect(awaiting[0]).toMatchObject({ stage: 'opensearch', chunks: [0], records: 200, errorType: 'TooManyRejected' });
    expect(awaiting[0]?.error).toMatch(
      /^more than 10 records of chunk 0 were rejected one by one \(first: line 1: .*mapper_parsing_exception/,
    );

    const query = `ExecutionStatus="Running" AND PipelineStatus="AwaitingDecision" AND Tenant="${tenant}"`;
    let listed: string[] = [];
    for (let i = 0; i < 50 && !listed.length; i++) {
      const r = await temporal(['workflow', 'list', '--query', query, '-o', 'json']);
      expect(r.code).toBe(0);
      listed = (JSON.parse(r.out || '[]') as { execution: { workflowId: string } }[]).map(
        (x) => x.execution.workflowId,
      );
      if (!listed.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed).toEqual([handle.workflowId]);

    const stuck = await sluice(['stuck', '--tenant', tenant, '--json']);
    expect(stuck.code).toBe(0);
    expect(JSON.parse(stuck.out)).toMatchObject([{ workflowId: handle.workflowId, tenant, stage: 'opensearch' }]);
    const show = await sluice(['show', handle.workflowId]);
    expect(show.out).toMatch(/AWAITING {6}#1 stage opensearch, chunks 0, 200 records, since /);
    expect(await sluice(['drop', handle.workflowId, '--by', 'ops'])).toMatchObject({
      code: 2,
      err: 'sluice drop: drop needs --reason "…"\n',
    });

    if (existsSync('/usr/bin/chromium')) {
      const ui = await findWorkflowsInWebUi({
        uiUrl: w.cfg.temporal.uiUrl,
        namespace: w.cfg.temporal.namespace,
        query,
        expectWorkflowIds: [handle.workflowId],
        screenshotPath: path.join(repo, 'test-results', 'web-ui', 'parked-file.png'),
      });
      expect(ui.listedIds).toEqual([handle.workflowId]);
    } else console.warn('skipping the Web UI check: /usr/bin/chromium is absent (.ci/install-browser installs it)');

    // A malformed approve signal (a retry override that is not a number) is logged and ignored: the workflow
    // task does not fail, and the work keeps waiting for a proper decision.
    const bad = await temporal([
      'workflow',
      'signal',
      '--workflow-id',
      handle.workflowId,
      '--name',
      'approve',
      '--input',
      '{"by":"ops","retry":{"window":"soon"}}',
    ]);
    expect(bad.code).toBe(0);
    const afterBad = await handle.query(statusQuery);
    expect(afterBad.decisions).toEqual([]);
    expect(afterBad.awaiting).toHaveLength(1);
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);

    // The operator fixes the mapping, then approves with the stock CLI's signal.
    await opensearch.indices.deleteIndexTemplate({ name: template });
    await opensearch.indices.delete({ index: `${w.cfg.opensearch.indexPrefix}-${tenant}-*` });
    const signal = await temporal([
      'workflow',
      'signal',
      '--workflow-id',
      handle.workflowId,
      '--name',
      'approve',
      '--input',
      '{"by":"ops"}',
    ]);
    expect(signal.code).toBe(0);
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.status).toBe('Completed');
    expect(summary.decisions).toMatchObject([{ kind: 'approve', by: 'ops', stage: 'opensearch', chunks: [0] }]);
    expect(await sinkCounts(tenant)).toEqual({
      s3: 200,
      s3Distinct: 200,
      opensearch: 200,
      snowflake: { rows: 200, distinct: 200 },
    });
  });
});
