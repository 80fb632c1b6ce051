import { UsageError } from '../client/errors';
import { AlreadyIngestedError } from '../client/ingest-client';
import { ConfigError, configReferenceMarkdown, loadConfig } from '../config/load';
import { ALERT_RULES_HEADER, alertRulesYaml } from '../metrics/alert-rules';
import { PemError } from '../shared/pem';
import { maskConfig } from '../shared/redact';
import { TemporalConnectError } from '../shared/temporal-connection';
import { StackError } from '../stack/stack';
import { PrerequisiteError } from '../stack/tools';
import { runWorker } from '../worker/main';
import { BACKFILL_USAGE, backfillCommand } from './backfill-command';
import { BACKLOG_USAGE, backlogCommand } from './backlog-command';
import { CODEC_SERVER_USAGE, codecServerCommand } from './codec-server-command';
import { DECISION_USAGE, decideCommand, stuckCommand } from './decision-commands';
import { DEMO_USAGE, demoCommand } from './demo-command';
import { INGEST_USAGE, ingestCommand } from './ingest-command';
import { INTAKE_USAGE, intakeCommand } from './intake-command';
import { REPLAY_CHECK_USAGE, replayCheckCommand } from './replay-check-command';
import { REPLAY_USAGE, replayCommand } from './replay-command';
import { STACK_USAGE, stackCommand } from './stack-command';
import { STATUS_USAGE, statusCommand } from './status-command';

const WORKER_USAGE = `sluice worker

  Runs one worker of the fleet: polls SLUICE_TASK_QUEUE (workflows, split, process, bookkeeping) and one task queue
  per sink, until SIGINT or SIGTERM (then in-flight activities get 30 s to finish). Settings: see \`sluice config\`.`;

const CONFIG_USAGE = `sluice config [--markdown]

  Prints the resolved configuration (environment over SLUICE_CONFIG file over defaults; secrets masked), or with
  --markdown the reference table of every setting.`;

const USAGE = `sluice — durable ingestion of security telemetry on Temporal

Usage:
  ${DEMO_USAGE.split('\n')[0]}
  ${INGEST_USAGE.split('\n')[0]}
  ${STATUS_USAGE.split('\n')[0]}
${DECISION_USAGE.split('\n\n')[0]
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
  ${REPLAY_USAGE.split('\n')[0]}
  sluice worker                  run a worker (polls SLUICE_TASK_QUEUE until SIGINT/SIGTERM)
  ${REPLAY_CHECK_USAGE.split('\n')[0]}
  ${BACKLOG_USAGE.split('\n')[0]}
  ${INTAKE_USAGE.split('\n')[0]}
  ${BACKFILL_USAGE.split('\n')[0]}
  ${STACK_USAGE.split('\n')[0]}
  ${CODEC_SERVER_USAGE.split('\n')[0]}
  sluice config [--markdown]     print the resolved configuration (secrets masked) or the reference table
  sluice alert-rules             print the Prometheus alert rules with the SLUICE_ALERT_* thresholds in effect

Run \`sluice <command> --help\` for a command's options.

Exit codes: 0 success; 1 the work failed or was refused (a file failed or is a duplicate, an approve/drop was
refused, a service is unhealthy, invalid configuration, a missing prerequisite); 2 a usage error (unknown command
or option, missing or bad argument).`;

type Command = (argv: string[]) => Promise<number>;

/** Each command's usage, printed for `sluice <command> [subcommand] --help` before anything else is parsed. */
const USAGES: Record<string, string> = {
  demo: DEMO_USAGE,
  ingest: INGEST_USAGE,
  status: STATUS_USAGE,
  show: STATUS_USAGE,
  stuck: DECISION_USAGE,
  approve: DECISION_USAGE,
  drop: DECISION_USAGE,
  replay: REPLAY_USAGE,
  worker: WORKER_USAGE,
  stack: STACK_USAGE,
  config: CONFIG_USAGE,
};

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  ingest: ingestCommand,
  status: statusCommand,
  show: statusCommand,
  stuck: stuckCommand,
  approve: (argv) => decideCommand('approve', argv),
  drop: (argv) => decideCommand('drop', argv),
  replay: replayCommand,
  worker: async (argv) => {
    if (argv.length) throw new UsageError(`unexpected arguments: ${argv.join(' ')}`);
    await runWorker();
    return 0;
  },
  'replay-check': replayCheckCommand,
  'backlog-publisher': backlogCommand,
  stack: stackCommand,
  intake: intakeCommand,
  backfill: backfillCommand,
  'codec-server': codecServerCommand,
  'alert-rules': async () => {
    process.stdout.write(alertRulesYaml(loadConfig(), ALERT_RULES_HEADER));
    return 0;
  },
  config: async (argv) => {
    if (argv.includes('--markdown')) {
      process.stdout.write(`${configReferenceMarkdown()}\n`);
      return 0;
    }
    const cfg = loadConfig();
    process.stdout.write(`${JSON.stringify(maskConfig(cfg), null, 2)}\n`);
    return 0;
  },
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`sluice: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  // Options end at `--`; a --help after it is an argument, not a request for help.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${USAGES[name]}\n`);
    return 0;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`sluice ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    if (
      e instanceof ConfigError ||
      e instanceof PrerequisiteError ||
      e instanceof StackError ||
      e instanceof AlreadyIngestedError ||
      e instanceof TemporalConnectError ||
      e instanceof PemError
    ) {
      process.stderr.write(`sluice ${name}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

export function main(argv: string[]): void {
  run(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`sluice: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
