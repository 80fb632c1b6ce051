import { Client, Connection } from '@temporalio/client';
import type { SluiceConfig } from '../config/load';
import type { ScanProgress } from '../contracts/scan';
import { scanProgressQuery } from '../contracts/scan-messages';
import { formatScanProgress } from './backfill-command';
import { UsageError } from './errors';

/** `sluice status backfill/…` (or a scan run's id): where it stands. */
export async function scanStatus(cfg: SluiceConfig, workflowId: string, json: boolean): Promise<number> {
  const connection = await Connection.connect({ address: cfg.temporal.address });
  try {
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    const handle = client.workflow.getHandle(workflowId);
    const d = await handle.describe().catch((e: Error) => {
      if (/not found/i.test(e.message)) throw new UsageError(`no backfill or scan workflow ${workflowId}`);
      throw e;
    });
    const progress: ScanProgress | undefined =
      d.status.name === 'COMPLETED'
        ? ((await handle.result()) as ScanProgress)
        : await handle.query(scanProgressQuery).catch(() => undefined);
    const rate = (d.memo?.ratePerSecond as number | undefined) ?? undefined;
    if (json) process.stdout.write(`${JSON.stringify({ workflowId, execution: d.status.name, progress }, null, 2)}\n`);
    else
      process.stdout.write(
        `${workflowId}: ${d.status.name.toLowerCase()}\n${progress ? formatScanProgress(progress, rate) : '(no progress yet)'}\n`,
      );
    return 0;
  } finally {
    await connection.close();
  }
}
