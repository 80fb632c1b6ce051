import { parseArgs } from 'node:util';
import { UsageError } from '../client/errors';
import {
  AlreadyIngestedError,
  connectIngestClient,
  type FileStatus,
  InvalidIngestError,
} from '../client/ingest-client';
import { resolveSource } from '../client/sources';
import { loadConfig } from '../config/load';
import { TENANT_PATTERN } from '../contracts/validation';
import { createS3 } from '../shared/clients';
import { AUTO_LOG_TYPE, knownLogTypes } from '../transforms/parsers';
import { formatStatus } from './format';
import { ProgressReporter, watchProgress } from './progress';

export const INGEST_USAGE = `sluice ingest <local path | s3://bucket/key>… --tenant T --log-type L [--wait] [--json] [--reingest]

  Starts one workflow per file. Local files are uploaded to the landing bucket first (by content: the same
  bytes always get the same key). A file version already ingested is refused unless --reingest is given.
  --log-type auto recognises each file's format from its first bytes (and says so when it cannot).
  --wait   wait for every file and print its summary      --json   machine-readable output
  While waiting, a live progress line (chunks, records, rate, ETA, what it waits on) goes to stderr: rewritten
  in place on a terminal, plain lines otherwise (SLUICE_PROGRESS_INTERVAL, SLUICE_PROGRESS_PLAIN_INTERVAL).`;

export { TENANT_PATTERN } from '../contracts/validation';

export async function ingestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      'log-type': { type: 'string' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
      reingest: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${INGEST_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one file (a local path or s3://bucket/key)');
  const tenant = values.tenant;
  if (!tenant) throw new UsageError('--tenant is required');
  if (!TENANT_PATTERN.test(tenant))
    throw new UsageError(
      `--tenant "${tenant}": use lowercase letters, digits, - and _ (it names S3 prefixes and indices)`,
    );
  const logType = values['log-type'];
  const choices = [AUTO_LOG_TYPE, ...knownLogTypes()].join(', ');
  if (!logType) throw new UsageError(`--log-type is required (one of: ${choices})`);
  if (logType !== AUTO_LOG_TYPE && !knownLogTypes().includes(logType))
    throw new UsageError(`unknown log type "${logType}"; known: ${choices}`);

  const cfg = loadConfig();
  const s3 = createS3(cfg.s3);
  const ingest = await connectIngestClient(cfg);
  const results: (FileStatus | { source: string; error: string })[] = [];
  let failed = 0;
  try {
    const started: { source: string; workflowId: string }[] = [];
    for (const arg of positionals) {
      try {
        const file = await resolveSource(arg, { s3, cfg, tenant, logType, upload: true });
        const handle = await ingest.start(file, { reingest: values.reingest ?? false });
        started.push({ source: arg, workflowId: handle.workflowId });
        if (!values.json && !values.wait)
          process.stdout.write(`started ${handle.workflowId}\n  web ui ${ingest.uiLink(handle.workflowId)}\n`);
      } catch (e) {
        if (!(e instanceof AlreadyIngestedError || e instanceof InvalidIngestError || e instanceof UsageError)) throw e;
        failed += 1;
        results.push({ source: arg, error: e.message });
        if (!values.json) process.stderr.write(`sluice ingest: ${e.message}\n`);
      }
    }
    for (const [i, s] of started.entries()) {
      let status: FileStatus;
      if (values.wait && !values.json) {
        // Progress on stderr, so stdout holds only the summaries, whatever a script pipes it into.
        const reporter = new ProgressReporter((t) => process.stderr.write(t), {
          tty: process.stderr.isTTY === true,
          columns: process.stderr.columns,
          plainIntervalMs: cfg.progress.plainInterval,
          prefix: started.length > 1 ? `[${i + 1}/${started.length}] ` : '',
        });
        status = await watchProgress(ingest, s.workflowId, reporter, cfg.progress.interval);
      } else {
        if (values.wait)
          await ingest.client.workflow
            .getHandle(s.workflowId)
            .result()
            .catch(() => undefined);
        status = await ingest.describe(s.workflowId);
      }
      // A file that ended mostly (or wholly) quarantined is a failure to whoever waits on it.
      if (status.execution === 'FAILED' || status.progress?.status === 'MostlyQuarantined') failed += 1;
      results.push(status);
      if (!values.json && values.wait) process.stdout.write(`${formatStatus(status)}\n`);
    }
  } finally {
    s3.destroy();
    await ingest.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return failed ? 1 : 0;
}
