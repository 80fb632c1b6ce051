import { parseArgs } from 'node:util';
import { parseBytes, parseNonNegative, parsePositive } from './units';

export const USAGE = `npm run bench -- [options]     (every option can also be given as SLUICE_BENCH_<OPTION>, e.g. SLUICE_BENCH_HUGE=2GiB)

  --quick                 smoke-run sizes: small 16KiB, e2e 8MiB, huge 48MiB, arrivals 2/s for 10 s
  --small SIZE            small file through a fresh worker (RSS, history per file)        default 64KiB
  --e2e SIZE              file for end-to-end and per-stage throughput and raw _bulk       default 256MiB
  --huge SIZE             the huge file (RSS, history, continue-as-new runs)               default 2GiB
  --gzip                  gzip the generated small/e2e/huge files (sizes stay uncompressed)
  --arrival-rate N        small files arriving per second                                  default 2
  --arrival-seconds N     how long files keep arriving                                     default 60
  --arrival-size SIZE     size of each arriving file                                       default 32KiB
  --raw-concurrency N     _bulk requests in flight for the raw OpenSearch figure
                          default: the OpenSearch sink's, SLUICE_SINK_OPENSEARCH_CONCURRENCY
  --intake-files N        files uploaded for each start path (MinIO event → SQS → intake; scan)  default 50
  --intake-rate N         their uploads per second                                         default 5
  --scan-interval SECONDS the bench scan schedule's interval                               default 10
  --skip-small --skip-e2e --skip-huge --skip-raw --skip-arrival --skip-intake   (or give a size, rate or duration of 0)
  --keep-data             leave the bench tenants' rows in S3, Snowflake and OpenSearch
  --out FILE              where the figures go as JSON                     default bench-results/latest.json`;

export interface BenchOptions {
  quick: boolean;
  /** 0: that file is not run. */
  smallBytes: number;
  e2eBytes: number;
  hugeBytes: number;
  gzip: boolean;
  raw: boolean;
  /** Undefined: as many as the pipeline's OpenSearch sink runs at once, so the two figures compare like for like. */
  rawConcurrency?: number;
  /** 0 files/s or 0 seconds: no arrival run. */
  arrivalRate: number;
  arrivalSeconds: number;
  arrivalBytes: number;
  keepData: boolean;
  out: string;
  /** 0: no intake (upload → workflow started) part. */
  intakeFiles: number;
  intakeRate: number;
  scanIntervalSeconds: number;
}

const FLAGS = {
  quick: { type: 'boolean' },
  small: { type: 'string' },
  e2e: { type: 'string' },
  huge: { type: 'string' },
  gzip: { type: 'boolean' },
  'arrival-rate': { type: 'string' },
  'arrival-seconds': { type: 'string' },
  'arrival-size': { type: 'string' },
  'raw-concurrency': { type: 'string' },
  'skip-small': { type: 'boolean' },
  'skip-e2e': { type: 'boolean' },
  'skip-huge': { type: 'boolean' },
  'skip-raw': { type: 'boolean' },
  'skip-arrival': { type: 'boolean' },
  'intake-files': { type: 'string' },
  'intake-rate': { type: 'string' },
  'scan-interval': { type: 'string' },
  'skip-intake': { type: 'boolean' },
  'keep-data': { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = keyof typeof FLAGS;
type Values = Partial<Record<Flag, string | boolean>>;

const envName = (flag: string) => `SLUICE_BENCH_${flag.toUpperCase().replaceAll('-', '_')}`;

/** Flags win over the environment; a boolean from the environment is 1/true/yes. */
function withEnvironment(values: Values, env: NodeJS.ProcessEnv): Values {
  const merged: Values = { ...values };
  for (const [flag, spec] of Object.entries(FLAGS) as [Flag, { type: string }][]) {
    const raw = env[envName(flag)];
    if (merged[flag] !== undefined || raw === undefined || raw === '') continue;
    merged[flag] = spec.type === 'boolean' ? /^(1|true|yes|on)$/i.test(raw) : raw;
  }
  return merged;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values: parsed } = parseArgs({ args: argv, options: FLAGS, strict: true });
  const v = withEnvironment(parsed, env);
  if (v.help) return 'help';
  const quick = v.quick === true;
  const str = (flag: Flag, normal: string, smoke: string) =>
    (v[flag] as string | undefined) ?? (quick ? smoke : normal);
  const size = (flag: Flag, normal: string, smoke: string) =>
    v[`skip-${flag}` as Flag] ? 0 : parseBytes(str(flag, normal, smoke), `--${flag}`);
  return {
    quick,
    smallBytes: size('small', '64KiB', '16KiB'),
    e2eBytes: size('e2e', '256MiB', '8MiB'),
    hugeBytes: size('huge', '2GiB', '48MiB'),
    gzip: v.gzip === true,
    raw: !v['skip-raw'],
    rawConcurrency:
      v['raw-concurrency'] === undefined
        ? undefined
        : Math.round(parsePositive(String(v['raw-concurrency']), '--raw-concurrency')),
    arrivalRate: v['skip-arrival'] ? 0 : parseNonNegative(str('arrival-rate', '2', '2'), '--arrival-rate'),
    arrivalSeconds: v['skip-arrival'] ? 0 : parseNonNegative(str('arrival-seconds', '60', '10'), '--arrival-seconds'),
    arrivalBytes: parseBytes(str('arrival-size', '32KiB', '8KiB'), '--arrival-size'),
    keepData: v['keep-data'] === true,
    out: str('out', 'bench-results/latest.json', 'bench-results/latest.json'),
    intakeFiles: v['skip-intake'] ? 0 : Math.round(parseNonNegative(str('intake-files', '50', '10'), '--intake-files')),
    intakeRate: parsePositive(str('intake-rate', '5', '5'), '--intake-rate'),
    scanIntervalSeconds: parsePositive(str('scan-interval', '10', '5'), '--scan-interval'),
  };
}
