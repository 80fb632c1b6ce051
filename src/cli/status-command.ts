import { parseArgs } from 'node:util';
import { connectIngestClient } from '../client/ingest-client';
import { resolveSource } from '../client/sources';
import { workflowIdFor } from '../client/workflow-id';
import { loadConfig } from '../config/load';
import { createS3 } from '../shared/clients';
import { UsageError } from './errors';
import { formatStatus } from './format';

export const STATUS_USAGE = `sluice status <workflow id | s3://bucket/key | local path> [--tenant T] [--json]

  Progress of a running ingest (chunks done, records, per-sink counts) or the summary of a finished one.
  An s3:// URI or local path needs --tenant to find its workflow.`;

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
  let workflowId = ref;
  if (!ref.startsWith('ingest/')) {
    if (!values.tenant) throw new UsageError('--tenant is required to find the workflow of a file');
    const s3 = createS3(cfg.s3);
    try {
      // The log type does not enter the workflow id; any value serves to look the file up.
      const file = await resolveSource(ref, { s3, cfg, tenant: values.tenant, logType: 'json', upload: false });
      workflowId = workflowIdFor(file);
    } finally {
      s3.destroy();
    }
  }
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
