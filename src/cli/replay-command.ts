import { parseArgs } from 'node:util';
import { AlreadyIngestedError, connectIngestClient } from '../client/ingest-client';
import { workflowIdOf } from '../client/lookup';
import { readQuarantine, stageRawReplay } from '../client/replay';
import { loadConfig } from '../config/load';
import { parseBytes } from '../config/units';
import type { IngestSummary } from '../contracts/ingest';
import { REPLAY_WORKFLOW } from '../contracts/messages';
import { createS3 } from '../shared/clients';
import { UsageError } from './errors';
import { formatStatus } from './format';

export const REPLAY_USAGE = `sluice replay <file> [--tenant T] [--max-record-bytes SIZE] [--wait]

  Re-runs a file's quarantined records after a fix. Records that never landed (did not parse, over the size
  limit) are ingested again as a new file (raise the limit for them with --max-record-bytes); records one sink
  rejected are re-sent to that sink only, with their original row ids. Replaying the same quarantine twice is
  refused like any duplicate ingest.`;

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, 'max-record-bytes': { type: 'string' }, wait: { type: 'boolean' } },
  });
  const [ref, ...extra] = positionals;
  if (!ref || extra.length) throw new UsageError('name exactly one file or workflow id');
  let maxRecordBytes: number | undefined;
  if (values['max-record-bytes'] !== undefined) {
    maxRecordBytes = parseBytes(values['max-record-bytes']);
    if (!maxRecordBytes)
      throw new UsageError(
        `--max-record-bytes takes a size such as 65536, 64KiB or 2MiB, got "${values['max-record-bytes']}"`,
      );
  }
  const cfg = loadConfig();
  const workflowId = await workflowIdOf(ref, values.tenant, cfg);
  const ingest = await connectIngestClient(cfg);
  const s3 = createS3(cfg.s3);
  try {
    const status = await ingest.describe(workflowId);
    if (status.execution !== 'COMPLETED' || !status.progress?.fileId) {
      throw new UsageError(
        `${workflowId} is ${status.execution.toLowerCase()}; replay a file once its ingest has finished`,
      );
    }
    const summary = status.progress as IngestSummary;
    const q = await readQuarantine(s3, cfg, summary.file.tenant, summary.fileId);
    if (!q.raw.length && !q.rejected.length) {
      process.stdout.write(`nothing in quarantine for ${workflowId}\n`);
      return 0;
    }
    let failed = 0;
    if (q.raw.length) {
      const file = await stageRawReplay(s3, cfg, summary, summary.file, q.raw);
      try {
        const handle = await ingest.start(file, maxRecordBytes ? { maxRecordBytes } : {});
        process.stdout.write(`replaying ${q.raw.length} quarantined record(s) as ${handle.workflowId}\n`);
        if (values.wait) {
          await handle.result().catch(() => undefined);
          process.stdout.write(`${formatStatus(await ingest.describe(handle.workflowId))}\n`);
        }
      } catch (e) {
        if (!(e instanceof AlreadyIngestedError)) throw e;
        process.stderr.write(`sluice replay: these records were replayed before: ${e.message}\n`);
        failed += 1;
      }
    }
    if (q.rejected.length) {
      const handle = await ingest.client.workflow.start(REPLAY_WORKFLOW, {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `replay/${summary.file.tenant}/${summary.fileId}/${Date.now()}`,
        args: [{ objects: q.rejected }],
        // The Web UI names what this replay is about, not only its id.
        staticSummary: `replay of sink-rejected records · ${summary.file.tenant} · ${summary.file.logType} · ${summary.source} · ${q.rejected.length} quarantine object(s)`,
      });
      process.stdout.write(
        `re-sending sink-rejected records from ${q.rejected.length} object(s) as ${handle.workflowId}\n`,
      );
      if (values.wait) {
        const r = (await handle.result()) as { written: number; stillRejected: number };
        process.stdout.write(`  landed ${r.written}, still rejected ${r.stillRejected}\n`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    s3.destroy();
    await ingest.close();
  }
}
