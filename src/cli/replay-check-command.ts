import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/load';
import { recordHistories, replayCheck } from '../ops/replay-check';
import { UsageError } from './errors';

export const REPLAY_CHECK_USAGE = `sluice replay-check <dir> [--record [--query Q] [--limit N]]

  Replays every workflow history (*.json) under <dir> against this build's workflow code and exits 1 if any
  would take a different path: run it before deploying new worker code. With --record, first saves the
  histories of the workflows Q finds (default: every open workflow on SLUICE_TASK_QUEUE, the ones a deploy
  moves to new code; at most N, default 200) into <dir> from the configured Temporal.`;

export async function replayCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      record: { type: 'boolean' },
      query: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${REPLAY_CHECK_USAGE}\n`);
    return 0;
  }
  const [dir, ...extra] = positionals;
  if (!dir || extra.length) throw new UsageError('name exactly one directory of histories');
  if (values.record) {
    const limit = Number(values.limit ?? 200);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a positive whole number`);
    const cfg = loadConfig();
    const query = values.query ?? `TaskQueue="${cfg.temporal.taskQueue}" AND ExecutionStatus="Running"`;
    const connection = await Connection.connect({ address: cfg.temporal.address });
    try {
      const client = new Client({ connection, namespace: cfg.temporal.namespace });
      const files = await recordHistories(client, dir, query, limit);
      process.stdout.write(`recorded ${files.length} histor${files.length === 1 ? 'y' : 'ies'} into ${dir}\n`);
    } finally {
      await connection.close();
    }
  }
  const outcomes = await replayCheck(dir);
  if (!outcomes.length) {
    process.stderr.write(`sluice replay-check: no *.json histories under ${dir}\n`);
    return 1;
  }
  const failed = outcomes.filter((o) => o.error);
  for (const o of failed) {
    process.stdout.write(`FAIL ${o.file}: ${o.nondeterministic ? 'nondeterminism: ' : ''}${o.error}\n`);
  }
  process.stdout.write(
    `replay-check: ${outcomes.length - failed.length} of ${outcomes.length} histories replay with this build\n`,
  );
  return failed.length ? 1 : 0;
}
