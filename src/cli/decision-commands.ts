import { parseArgs } from 'node:util';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { UsageError } from '../client/errors';
import { connectIngestClient } from '../client/ingest-client';
import { workflowIdOf } from '../client/lookup';
import { loadConfig } from '../config/load';
import { parseDuration } from '../config/units';
import { STAGES, type Stage } from '../contracts/ingest';
import { approveUpdate, dropUpdate } from '../contracts/messages';

// Only running workflows: a terminated one keeps its last search attributes, but waits for no one.
export const STUCK_QUERY = 'ExecutionStatus = "Running" AND PipelineStatus = "AwaitingDecision"';

export const DECISION_USAGE = `sluice stuck [--tenant T] [--json]
sluice show <file> [--tenant T] [--json]                 (same as status)
sluice approve <file> [--tenant T] [--stage S] [--window 6h] [--by NAME]
sluice drop <file> --reason "…" --by NAME [--tenant T] [--stage S]

  <file> is a workflow id, an s3:// URI or a local path (the last two need --tenant).
  stuck    files waiting for a decision (visibility query: ${STUCK_QUERY})
  approve  retry the waiting work now; --window gives it a new retry window (e.g. 6h)
  drop     give up the waiting work: nothing is deleted; the affected chunks stay in quarantine and an
           audit record says who, when, why and what. Stages: ${STAGES.join(', ')}.`;

function parseStage(s: string | undefined): Stage | undefined {
  if (s === undefined) return undefined;
  if (!STAGES.includes(s as Stage)) throw new UsageError(`unknown stage "${s}"; stages: ${STAGES.join(', ')}`);
  return s as Stage;
}

export async function stuckCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { tenant: { type: 'string' }, json: { type: 'boolean' } } });
  const cfg = loadConfig();
  const ingest = await connectIngestClient(cfg);
  const query = values.tenant ? `${STUCK_QUERY} AND Tenant = "${values.tenant.replace(/"/g, '')}"` : STUCK_QUERY;
  try {
    const rows = [];
    for await (const wf of ingest.client.workflow.list({ query })) {
      const sa = wf.searchAttributes as Record<string, unknown[] | undefined>;
      rows.push({
        workflowId: wf.workflowId,
        tenant: sa.Tenant?.[0],
        stage: sa.FailedStage?.[0],
        since: sa.AwaitingDecisionSince?.[0],
        link: ingest.uiLink(wf.workflowId),
      });
    }
    if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      process.stdout.write(`${rows.length} file(s) awaiting a decision (query: ${query})\n`);
      for (const r of rows)
        process.stdout.write(`${r.workflowId}\n  stage ${r.stage}, since ${String(r.since)}\n  web ui ${r.link}\n`);
    }
    return 0;
  } finally {
    await ingest.close();
  }
}

export async function decideCommand(kind: 'approve' | 'drop', argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      stage: { type: 'string' },
      window: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const [ref, ...extra] = positionals;
  if (!ref || extra.length) throw new UsageError('name exactly one file or workflow id');
  const stage = parseStage(values.stage);
  if (kind === 'drop' && !values.reason?.trim()) throw new UsageError('drop needs --reason "…"');
  if (kind === 'drop' && !values.by?.trim()) throw new UsageError('drop needs --by NAME (who decided)');
  let window: number | undefined;
  if (values.window !== undefined) {
    window = parseDuration(values.window);
    if (!window) throw new UsageError(`--window takes a duration such as 30m, 6h or 1d, got "${values.window}"`);
  }
  const cfg = loadConfig();
  const workflowId = await workflowIdOf(ref, values.tenant, cfg);
  const ingest = await connectIngestClient(cfg);
  try {
    const handle = ingest.client.workflow.getHandle(workflowId);
    const result =
      kind === 'approve'
        ? await handle.executeUpdate(approveUpdate, {
            args: [{ stage, by: values.by, retry: window ? { window } : undefined }],
          })
        : await handle.executeUpdate(dropUpdate, {
            args: [{ stage, by: values.by as string, reason: values.reason as string }],
          });
    process.stdout.write(
      `${kind === 'approve' ? 'approved' : 'dropped'} ${result.decided.length} waiting item(s) of ${workflowId}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) {
      process.stderr.write(`sluice ${kind}: refused: ${(e.cause as Error | undefined)?.message ?? e.message}\n`);
      return 1;
    }
    if (/not found/i.test((e as Error).message)) throw new UsageError(`no ingest workflow ${workflowId}`);
    throw e;
  } finally {
    await ingest.close();
  }
}
