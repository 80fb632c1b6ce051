import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import {
  connectTemporal,
  createCloudWatch,
  publishBacklogOnce,
  readBacklog,
  runBacklogPublisher,
} from '../ops/backlog-publisher';
import { createLogger } from '../shared/log';

export const BACKLOG_USAGE = `sluice backlog-publisher [--once] [--dry-run]

  Publishes the fleet's task-queue backlog (Temporal's approximate backlog count of the ingest queue and each
  sink queue) to CloudWatch every SLUICE_BACKLOG_INTERVAL, for autoscaling on backlog per task. One process per
  fleet. --once publishes a single reading and prints it; --dry-run prints it without publishing.`;

export async function backlogCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { once: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${BACKLOG_USAGE}\n`);
    return 0;
  }
  const cfg = loadConfig();
  const log = createLogger(cfg.log.level, { component: 'backlog-publisher' });
  const connection = await connectTemporal(cfg);
  const cloudwatch = createCloudWatch(cfg);
  const deps = { cfg, service: connection.workflowService, cloudwatch, log };
  try {
    if (values['dry-run'] || values.once) {
      const readings = values['dry-run']
        ? await readBacklog(deps.service, cfg.temporal.namespace, cfg.temporal.taskQueue)
        : await publishBacklogOnce(deps);
      process.stdout.write(`${JSON.stringify(readings, null, 2)}\n`);
      return 0;
    }
    const stop = new AbortController();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
    log.info('backlog publisher started', {
      namespace: cfg.deploy.backlogNamespace,
      taskQueue: cfg.temporal.taskQueue,
    });
    await runBacklogPublisher(deps, stop.signal);
    return 0;
  } finally {
    cloudwatch.destroy();
    await connection.close();
  }
}
