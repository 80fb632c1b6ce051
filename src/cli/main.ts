import { AlreadyIngestedError } from '../client/ingest-client';
import { ConfigError, configReferenceMarkdown, loadConfig } from '../config/load';
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
import { UsageError } from './errors';
import { INGEST_USAGE, ingestCommand } from './ingest-command';
import { INTAKE_USAGE, intakeCommand } from './intake-command';
import { REPLAY_CHECK_USAGE, replayCheckCommand } from './replay-check-command';
import { REPLAY_USAGE, replayCommand } from './replay-command';
import { STACK_USAGE, stackCommand } from './stack-command';
import { STATUS_USAGE, statusCommand } from './status-command';

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

Run \`sluice <command> --help\` for a command's options.`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  ingest: ingestCommand,
  status: statusCommand,
  show: statusCommand,
  stuck: stuckCommand,
  approve: (argv) => decideCommand('approve', argv),
  drop: (argv) => decideCommand('drop', argv),
  replay: replayCommand,
  worker: async () => {
    await runWorker();
    return 0;
  },
  'replay-check': replayCheckCommand,
  'backlog-publisher': backlogCommand,
  stack: stackCommand,
  intake: intakeCommand,
  backfill: backfillCommand,
  'codec-server': codecServerCommand,
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
