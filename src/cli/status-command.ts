import { parseArgs } from 'node:util';
import { connectIngestClient } from '../client/ingest-client';
import { workflowIdOf } from '../client/lookup';
import { loadConfig } from '../config/load';
import { UsageError } from './errors';
import { formatStatus } from './format';
import { scanStatus } from './scan-status';

export const STATUS_USAGE = `sluice status <workflow id | s3://bucket/key | local path | backfill/… | scan-…> [--tenant T] [--json]

  Progress of a running ingest (chunks done, records, per-sink counts) or the summary of a finished one.
  An s3:// URI or local path needs --tenant to find its workflow. A backfill's or scan's workflow id shows
  its progress (listed, started, already done, rate, ETA).`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  const [ref, ...extra] = positionals;
  if (!ref || extra.length) throw new UsageError('name exactly one file or workflow id');
  const cfg = loadConfig();
  if (/^(backfill\/|scan)/.test(ref)) return scanStatus(cfg, ref, values.json === true);
  const workflowId = await workflowIdOf(ref, values.tenant, cfg);
  const ingest = await connectIngestClient(cfg);
  try {
    const status = await ingest.describe(workflowId).catch((e: Error) => {
      if (/not found/i.test(e.message)) throw new UsageError(`no ingest workflow ${workflowId}`);
      throw e;
    });
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
    return 0;
  } finally {
    await ingest.close();
  }
}
