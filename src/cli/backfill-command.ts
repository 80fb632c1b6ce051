import { parseArgs } from 'node:util';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { UsageError } from '../client/errors';
import { parseS3Uri } from '../client/sources';
import { loadConfig } from '../config/load';
import { parseDuration } from '../config/units';
import type { ScanInput, ScanProgress } from '../contracts/scan';
import { SCAN_WORKFLOW, scanProgressQuery } from '../contracts/scan-messages';
import { parseRoutes } from '../intake/routes';
import { toScanRoute } from '../intake/scan-schedule';
import { connectTemporal, temporalClientOptions } from '../shared/temporal-connection';
import { knownLogTypes } from '../transforms/parsers';
import { TENANT_PATTERN } from './ingest-command';

export const BACKFILL_USAGE = `sluice backfill s3://bucket/prefix --tenant T --log-type L [--since T] [--until T] [--rate N/s] [--detach] [--json]

  Starts an ingest for every object under the prefix (last modified in [since, until) when given) at no more
  than --rate starts per second (default SLUICE_BACKFILL_RATE), as a workflow that survives restarts. Objects
  already started (by a notification, a scan, an earlier backfill) are counted, not started again. The prefix may
  hold routing wildcards (* one segment, ** anything). --since/--until: an ISO time or an age such as 7d, 12h.
  Prints progress (listed, started, already done, rate, ETA) until done; --detach returns at once, and
  \`sluice status <workflow id>\` shows it later.`;

export function parseWhen(text: string, now = Date.now()): string {
  const age = parseDuration(text);
  if (age !== undefined) return new Date(now - age).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UsageError(`"${text}": expected an ISO time (2026-11-01, 2026-11-01T12:00Z) or an age (7d, 12h)`);
  return new Date(t).toISOString();
}

export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(\/s)?$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n > 0)) throw new UsageError(`--rate "${text}": expected starts per second such as 20 or 20/s`);
  return n;
}

export async function backfillCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      'log-type': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      rate: { type: 'string' },
      detach: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${BACKFILL_USAGE}\n`);
    return 0;
  }
  const [uri, ...extra] = positionals;
  const where = uri
    ? (parseS3Uri(uri) ??
      (/^s3:\/\/[^/]+\/?$/.test(uri) ? { bucket: uri.slice(5).replace(/\/$/, ''), key: '' } : undefined))
    : undefined;
  if (!where || extra.length) throw new UsageError('name exactly one s3://bucket/prefix');
  const tenant = values.tenant;
  if (!tenant || !TENANT_PATTERN.test(tenant))
    throw new UsageError('--tenant is required (lowercase letters, digits, - and _)');
  const logType = values['log-type'];
  if (!logType || ![...knownLogTypes(), 'auto'].includes(logType))
    throw new UsageError(`--log-type is required (one of: ${[...knownLogTypes(), 'auto'].join(', ')})`);
  const cfg = loadConfig();
  const since = values.since ? parseWhen(values.since) : undefined;
  const until = values.until ? parseWhen(values.until) : undefined;
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  const rate = values.rate ? parseRate(values.rate) : cfg.intake.backfillRate;
  const [route] = parseRoutes(`${where.bucket}/${where.key}=${tenant}:${logType}`);
  if (!route) throw new UsageError(`s3://${where.bucket}/${where.key}: not a usable prefix`);
  const input: ScanInput = {
    kind: 'backfill',
    routes: [toScanRoute(route)],
    window: { since, until },
    ratePerSecond: rate,
    pagesPerRun: cfg.intake.scanPagesPerRun,
  };
  const workflowId = `backfill/${tenant}/${where.bucket}/${where.key}${since || until ? `@${since ?? ''}..${until ?? ''}` : ''}`;
  const connection = await connectTemporal(cfg.temporal);
  try {
    const client = new Client({ connection, ...temporalClientOptions(cfg) });
    try {
      await client.workflow.start(SCAN_WORKFLOW, {
        taskQueue: cfg.temporal.taskQueue,
        workflowId,
        args: [input],
        memo: { ratePerSecond: rate },
        // The same backfill again after it finished is a fresh pass (it starts only what is still missing).
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      process.stderr.write(`backfill started: ${workflowId}\n`);
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      process.stderr.write(`backfill already running: ${workflowId} (following it)\n`);
    }
    const handle = client.workflow.getHandle(workflowId);
    if (values.detach) {
      process.stdout.write(`${workflowId}\n`);
      return 0;
    }
    for (;;) {
      const d = await handle.describe();
      const p =
        d.status.name === 'RUNNING'
          ? await handle.query(scanProgressQuery).catch(() => undefined)
          : d.status.name === 'COMPLETED'
            ? ((await handle.result()) as ScanProgress)
            : undefined;
      if (p) process.stderr.write(`\r${formatScanProgress(p, rate)}   `);
      if (d.status.name !== 'RUNNING') {
        process.stderr.write('\n');
        if (values.json && p) process.stdout.write(`${JSON.stringify({ workflowId, ...p }, null, 2)}\n`);
        else process.stdout.write(`${workflowId}: ${d.status.name.toLowerCase()}\n`);
        return d.status.name === 'COMPLETED' ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await connection.close();
  }
}

/** listed, started, already done, rate, ETA: for the terminal and `sluice status`. */
export function formatScanProgress(p: ScanProgress, targetRate?: number, now = Date.now()): string {
  const elapsed = Math.max(1, (now - Date.parse(p.startedAt)) / 1000);
  const done = p.started + p.alreadyStarted;
  const rate = done / elapsed;
  const left = p.total !== undefined ? Math.max(0, p.total - done) : undefined;
  const eta =
    p.done || left === 0
      ? 'done'
      : left !== undefined && rate > 0
        ? `ETA ${formatSeconds(left / Math.min(rate, targetRate ?? rate))}`
        : 'ETA -';
  return (
    `listed ${p.listed}, matching ${p.total ?? p.matched}${p.total !== undefined ? '' : '+'}, started ${p.started}, ` +
    `already done ${p.alreadyStarted}, ${rate.toFixed(1)}/s${targetRate ? ` (limit ${targetRate}/s)` : ''}, ${eta}` +
    (p.runs > 1 ? `, runs ${p.runs}` : '')
  );
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
