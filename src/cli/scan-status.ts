import { Client } from '@temporalio/client';
import { UsageError } from '../client/errors';
import type { SluiceConfig } from '../config/load';
import type { ScanProgress } from '../contracts/scan';
import { scanProgressQuery } from '../contracts/scan-messages';
import { connectTemporal, temporalClientOptions } from '../shared/temporal-connection';
import { formatScanProgress } from './backfill-command';

/** `sluice status backfill/…` (or a scan run's id): where it stands. */
export async function scanStatus(cfg: SluiceConfig, workflowId: string, json: boolean): Promise<number> {
  const connection = await connectTemporal(cfg.temporal);
  try {
    const client = new Client({ connection, ...temporalClientOptions(cfg) });
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
