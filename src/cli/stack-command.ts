import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import { SERVICES } from '../stack/services';
import { formatStatus, stackDown, stackLogs, stackStatus, stackUp, startService, stopService } from '../stack/stack';
import { UsageError } from './errors';

export const STACK_USAGE = `sluice stack up | down | stop <service> | start <service> | status [--json] | logs [service] [--lines N]

  up      install pinned tools (once, into SLUICE_TOOLS_DIR) and start Temporal (+ Web UI), MinIO,
          OpenSearch, the Snowflake emulator and ElasticMQ (SQS) on loopback; waits until each is healthy
  down    stop what \`up\` started (nothing else)
  stop    stop one service \`up\` started (temporal, minio, opensearch, snowflake, sqs), e.g. to rehearse an outage;
          its data stays in SLUICE_STATE_DIR
  start   start one service again and wait until it is healthy; it comes back with the data it had
  status  each service: running / stopped, healthy or not, endpoint
  logs    last lines of a service's log (temporal, minio, opensearch, snowflake, sqs; default all)`;

const progress = (line: string) => process.stderr.write(`stack: ${line}\n`);

export async function stackCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, lines: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [action, service, ...rest] = positionals;
  if (values.help || !action) {
    process.stdout.write(`${STACK_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const cfg = loadConfig();
  switch (action) {
    case 'up': {
      const rows = await stackUp(cfg, progress);
      process.stdout.write(`${formatStatus(rows)}\n`);
      process.stdout.write(`\nTemporal Web UI: ${cfg.temporal.uiUrl}\n`);
      return rows.every((r) => r.healthy) ? 0 : 1;
    }
    case 'down': {
      const stopped = await stackDown(cfg, progress);
      process.stdout.write(stopped.length ? `stopped: ${stopped.join(', ')}\n` : 'nothing of the stack was running\n');
      return 0;
    }
    case 'stop': {
      const name = serviceArgument('stop', service);
      const outcome = await stopService(cfg, name, progress);
      process.stdout.write(`${name}: ${outcome}\n`);
      // Stopping what is not ours would surprise its owner; say so and fail rather than pretend.
      return outcome === 'not started by this stack' ? 1 : 0;
    }
    case 'start': {
      const row = await startService(cfg, serviceArgument('start', service), progress);
      process.stdout.write(`${formatStatus([row])}\n`);
      return row.healthy ? 0 : 1;
    }
    case 'status': {
      const rows = await stackStatus(cfg);
      process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStatus(rows)}\n`);
      return rows.every((r) => r.healthy) ? 0 : 1;
    }
    case 'logs': {
      const lines = values.lines === undefined ? 100 : Number(values.lines);
      if (!Number.isInteger(lines) || lines < 1)
        throw new UsageError(`--lines takes a positive whole number, got "${values.lines}"`);
      process.stdout.write(`${stackLogs(cfg, service, lines)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown stack action "${action}"; expected up, down, stop, start, status or logs`);
  }
}

function serviceArgument(action: string, service: string | undefined): string {
  const names = SERVICES.map((s) => s.name).join(', ');
  if (!service) throw new UsageError(`stack ${action} needs a service: ${names}`);
  if (!SERVICES.some((s) => s.name === service))
    throw new UsageError(`unknown service "${service}"; services: ${names}`);
  return service;
}
