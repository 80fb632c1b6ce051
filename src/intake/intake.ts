import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { SluiceConfig } from '../config/load';
import { createLogger, type Logger } from '../shared/log';
import { type IntakeStats, newStats } from './intake-stats';
import { parseRoutes, type Route } from './routes';
import { ensureScanSchedule } from './scan-schedule';
import { createSqs, intakeQueues } from './sqs';
import { consume } from './sqs-consumer';
import { startOnce } from './start-once';
import { startWebhook } from './webhook';

export interface RunningIntake {
  stats: IntakeStats;
  routes: Route[];
  /** Stops receiving, lets the messages in hand finish, closes everything. */
  stop(): Promise<void>;
  /** Settles when the intake has stopped (rejects if it failed). */
  done: Promise<void>;
}

/**
 * The intake process: SQS consumer, MinIO webhook endpoint, and the owner of the reconciliation scan's Schedule.
 * Its own process, not part of `sluice worker`: one or two intakes serve a fleet of any size, it needs SQS rights
 * and no sink credentials, and a stuck queue or a flood of notifications never takes a worker's slots.
 */
export async function startIntake(
  cfg: SluiceConfig,
  opts: {
    log?: Logger /** false: leave the scan's Schedule alone (a bench, a second intake). */;
    schedule?: boolean;
  } = {},
): Promise<RunningIntake> {
  const log = opts.log ?? createLogger(cfg.log.level, { component: 'intake' });
  const routes = parseRoutes(cfg.intake.routes);
  if (!routes.length)
    log.warn('no routing rules (SLUICE_INTAKE_ROUTES): every object that arrives goes to the dead-letter queue');
  const sqs = createSqs(cfg.sqs);
  const queues = await intakeQueues(sqs, cfg);
  const connection = await Connection.connect({ address: cfg.temporal.address });
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  const stats = newStats();
  if (routes.length && opts.schedule !== false) await ensureScanSchedule(client, cfg, routes, log);
  let server: Server | undefined;
  if (cfg.intake.httpPort)
    server = await startWebhook({
      port: cfg.intake.httpPort,
      token: cfg.intake.webhookToken,
      sqs,
      queueUrl: queues.queueUrl,
      stats,
      log,
    });
  const abort = new AbortController();
  log.info('intake running', { queue: queues.queueUrl, routes: routes.map((r) => r.rule), http: cfg.intake.httpPort });
  const done = consume(
    {
      sqs,
      queues,
      pollers: Math.ceil(cfg.intake.concurrency / 10),
      log,
      handler: { routes, stats, log, start: (file) => startOnce(client, cfg, file) },
    },
    abort.signal,
  ).finally(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    sqs.destroy();
    await connection.close();
  });
  return {
    stats,
    routes,
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/** `sluice intake`: runs until SIGINT or SIGTERM. */
export async function runIntake(cfg: SluiceConfig): Promise<void> {
  const intake = await startIntake(cfg);
  const stop = () => void intake.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await intake.done;
}
