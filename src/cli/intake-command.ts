import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/load';
import { runIntake } from '../intake/intake';
import type { IntakeStats } from '../intake/intake-stats';
import { parseRoutes } from '../intake/routes';
import { SCAN_SCHEDULE_ID } from '../intake/scan-schedule';
import { createSqs, intakeQueues } from '../intake/sqs';
import { UsageError } from './errors';

export const INTAKE_USAGE = `sluice intake [run] | status [--json]

  run     consume S3 object-created notifications (SQS: direct S3 → SQS, EventBridge → SQS; locally also MinIO's
          webhook on SLUICE_INTAKE_HTTP_PORT) and start one ingest per object version, routed by
          SLUICE_INTAKE_ROUTES; keeps the reconciliation scan's Temporal Schedule up to date. Runs until SIGTERM.
  status  queue depths, the dead-letter queue's messages and reasons, the running intake's counters and the
          objects no rule took, and the scan schedule's last and next runs`;

export async function intakeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${INTAKE_USAGE}\n`);
    return 0;
  }
  const [action = 'run', ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const cfg = loadConfig();
  if (action === 'run') {
    await runIntake(cfg);
    return 0;
  }
  if (action !== 'status') throw new UsageError(`unknown action "${action}"; use run or status`);
  const report = await intakeStatus(cfg);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatIntakeStatus(report)}\n`);
  return 0;
}

export interface IntakeStatusReport {
  routes: string[];
  queue: { url: string; waiting: number; inFlight: number; delayed: number };
  deadLetter: { url: string; messages: number; sample: { reason: string; at?: string; body: string }[] };
  /** The running intake's counters (from its HTTP endpoint), if one answers. */
  intake?: IntakeStats;
  schedule?: { id: string; recent: string[]; next: string[]; paused: boolean };
}

export async function intakeStatus(cfg: ReturnType<typeof loadConfig>): Promise<IntakeStatusReport> {
  const sqs = createSqs(cfg.sqs);
  try {
    const queues = await intakeQueues(sqs, cfg);
    const attrs = async (url: string) =>
      (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        )
      ).Attributes ?? {};
    const q = await attrs(queues.queueUrl);
    const d = await attrs(queues.deadLetterUrl);
    // A peek: visibility 0 leaves the messages where they are for the next look (or a redrive).
    const peek = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const report: IntakeStatusReport = {
      routes: parseRoutes(cfg.intake.routes).map((r) => r.rule),
      queue: {
        url: queues.queueUrl,
        waiting: Number(q.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(q.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(q.ApproximateNumberOfMessagesDelayed ?? 0),
      },
      deadLetter: {
        url: queues.deadLetterUrl,
        messages: Number(d.ApproximateNumberOfMessages ?? 0) + Number(d.ApproximateNumberOfMessagesNotVisible ?? 0),
        sample: (peek.Messages ?? []).map((m) => ({
          reason:
            m.MessageAttributes?.SluiceReason?.StringValue ??
            'moved by SQS after too many receives (SLUICE_INTAKE_MAX_RECEIVES)',
          at: m.MessageAttributes?.SluiceDeadLetteredAt?.StringValue,
          body: (m.Body ?? '').slice(0, 300),
        })),
      },
    };
    if (cfg.intake.httpPort) {
      const res = await fetch(`http://127.0.0.1:${cfg.intake.httpPort}/status`, {
        signal: AbortSignal.timeout(2000),
      }).catch(() => undefined);
      if (res?.ok) report.intake = (await res.json()) as IntakeStats;
    }
    report.schedule = await scheduleInfo(cfg);
    return report;
  } finally {
    sqs.destroy();
  }
}

async function scheduleInfo(cfg: ReturnType<typeof loadConfig>): Promise<IntakeStatusReport['schedule']> {
  const connection = await Connection.connect({ address: cfg.temporal.address });
  try {
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    const d = await client.schedule.getHandle(SCAN_SCHEDULE_ID).describe();
    return {
      id: SCAN_SCHEDULE_ID,
      paused: d.state.paused,
      recent: d.info.recentActions.map((a) => `${a.takenAt.toISOString()} ${a.action.workflow.workflowId}`),
      next: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    };
  } catch {
    return undefined;
  } finally {
    await connection.close();
  }
}

export function formatIntakeStatus(r: IntakeStatusReport): string {
  const lines = [
    `routes:       ${r.routes.length ? r.routes.join('; ') : '(none: every object goes to the dead-letter queue)'}`,
    `queue:        ${r.queue.waiting} waiting, ${r.queue.inFlight} in flight, ${r.queue.delayed} delayed (${r.queue.url})`,
    `dead letters: ${r.deadLetter.messages} (${r.deadLetter.url})`,
    ...r.deadLetter.sample.map((m) => `  - ${m.at ?? ''} ${m.reason}`),
  ];
  if (r.intake) {
    const s = r.intake;
    lines.push(
      `intake:       since ${s.since}: ${s.messages} messages, ${s.arrivals} objects, ${s.started} started, ` +
        `${s.alreadyStarted} already started, ${s.unrouted} unrouted, ${s.skipped} skipped, ${s.deadLettered} dead-lettered, ` +
        `${s.retried} to retry${s.lastError ? ` (last error: ${s.lastError})` : ''}`,
    );
    for (const u of s.recentUnrouted) lines.push(`  unrouted ${u.at} s3://${u.bucket}/${u.key}: ${u.reason}`);
  } else lines.push('intake:       no running intake answers on SLUICE_INTAKE_HTTP_PORT');
  if (r.schedule)
    lines.push(
      `scan:         schedule ${r.schedule.id}${r.schedule.paused ? ' (paused)' : ''}; next ${r.schedule.next[0] ?? '-'}; ` +
        `last ${r.schedule.recent.at(-1) ?? 'never'}`,
    );
  else lines.push('scan:         no schedule yet (an intake with routes creates it)');
  return lines.join('\n');
}
