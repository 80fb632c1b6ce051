import { parseArgs } from 'node:util';
import { connectIngestClient } from '../client/ingest-client';
import { workflowIdOf } from '../client/lookup';
import { loadConfig } from '../config/load';
import { SCAN_SCHEDULE_ID } from '../intake/scan-schedule';
import { UsageError } from './errors';
import { formatStatus } from './format';
import { ProgressReporter, watchProgress } from './progress';
import { scanStatus } from './scan-status';

export const STATUS_USAGE = `sluice status <workflow id | s3://bucket/key | local path | backfill/… | sluice-intake-scan-…> [--tenant T] [--json] [--watch]

  Progress of a running ingest (chunks done, records, per-sink counts) or the summary of a finished one.
  An s3:// URI or local path needs --tenant to find its workflow. A backfill's (or scan's) workflow id shows its
  progress (listed, started, already done, rate, ETA).
  --watch  follow a running file until it closes: a live progress line (chunks, records, rate, ETA, what it
           waits on), rewritten in place on a terminal, plain lines otherwise; then the summary.`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      watch: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  const [ref, ...extra] = positionals;
  if (!ref || extra.length) throw new UsageError('name exactly one file or workflow id');
  if (values.watch && values.json) throw new UsageError('--watch draws a progress line; use --json without it');
  const cfg = loadConfig();
  if (ref.startsWith('backfill/') || ref.startsWith(SCAN_SCHEDULE_ID))
    return scanStatus(cfg, ref, values.json === true);
  const workflowId = await workflowIdOf(ref, values.tenant, cfg);
  const ingest = await connectIngestClient(cfg);
  try {
    const notFound = (e: Error) => {
      if (/not found/i.test(e.message)) throw new UsageError(`no ingest workflow ${workflowId}`);
      throw e;
    };
    const status = values.watch
      ? await watchProgress(
          ingest,
          workflowId,
          new ProgressReporter((t) => process.stdout.write(t), {
            tty: process.stdout.isTTY === true,
            columns: process.stdout.columns,
            plainIntervalMs: cfg.progress.plainInterval,
          }),
          cfg.progress.interval,
        ).catch(notFound)
      : await ingest.describe(workflowId).catch(notFound);
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
    return 0;
  } finally {
    await ingest.close();
  }
}
