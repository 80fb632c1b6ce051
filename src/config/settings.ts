import { CONNECTION_SETTINGS } from './settings-connections';
import { DEPLOY_SETTINGS } from './settings-deploy';
import { INTAKE_SETTINGS } from './settings-intake';
import { LIMIT_SETTINGS } from './settings-limits';
import { METRICS_SETTINGS } from './settings-metrics';
import { PROGRESS_SETTINGS } from './settings-progress';
import { RETRY_SETTINGS } from './settings-retry';
import { SINK_LIMIT_SETTINGS, SINK_SETTINGS } from './settings-sinks';
import { STACK_SETTINGS } from './settings-stack';

/**
 * Every Sluice setting, once: its environment name, its key in a config file, its kind, default and meaning.
 * The loader validates against this table and the README's configuration reference is printed from it
 * (`sluice config --markdown`), so the two cannot drift apart, and the type of the resolved configuration is
 * inferred from it (config/infer.ts). An area's settings live in their own file (settings-<area>.ts, a sink's in
 * its folder), declared `as const satisfies readonly Setting[]` so their keys and kinds reach that type, and are
 * spread in here with one line. No Node imports: the workflow derives its defaults from this table.
 */
export type Kind =
  | 'string'
  | 'secret'
  | 'url'
  | 'port'
  | 'int'
  | 'number'
  | 'bytes'
  | 'duration'
  | 'bool'
  | 'name'
  | 'list';

export interface Setting {
  /** Dotted key in the config file, also the path in the resolved config object. */
  key: string;
  env: string;
  kind: Kind;
  /** A literal, or computed from settings earlier in this table (e.g. a URL from a stack port). */
  default: string | ((resolved: Record<string, unknown>, env: NodeJS.ProcessEnv) => string);
  doc: string;
  /** An explicitly empty environment value means empty rather than "use the default". */
  emptyIsValue?: boolean;
  /** Inclusive bounds for numeric kinds. */
  min?: number;
  max?: number;
  /** The only values accepted (they also make the config field's type a union of them). */
  oneOf?: readonly string[];
}

export const SETTINGS = [
  ...STACK_SETTINGS,
  // Temporal
  {
    key: 'temporal.address',
    env: 'SLUICE_TEMPORAL_ADDRESS',
    kind: 'string',
    default: (r) => `127.0.0.1:${r['stack.temporalPort']}`,
    doc: 'Temporal frontend host:port.',
  },
  {
    key: 'temporal.namespace',
    env: 'SLUICE_TEMPORAL_NAMESPACE',
    kind: 'name',
    default: 'default',
    doc: 'Temporal namespace.',
  },
  {
    key: 'temporal.taskQueue',
    env: 'SLUICE_TASK_QUEUE',
    kind: 'name',
    default: 'sluice-ingest',
    doc: 'Task queue the workers poll and workflows are started on.',
  },
  {
    key: 'temporal.uiUrl',
    env: 'SLUICE_TEMPORAL_UI_URL',
    kind: 'url',
    default: (r) => `http://127.0.0.1:${r['stack.temporalUiPort']}`,
    doc: 'Temporal Web UI base URL (for links printed by the CLI).',
  },

  // S3
  {
    key: 's3.endpoint',
    env: 'SLUICE_S3_ENDPOINT',
    kind: 'url',
    default: (r) => `http://127.0.0.1:${r['stack.minioPort']}`,
    doc: 'S3 endpoint (the local MinIO by default; an S3 regional endpoint in production).',
  },
  { key: 's3.region', env: 'SLUICE_S3_REGION', kind: 'string', default: 'us-east-1', doc: 'S3 region.' },
  {
    key: 's3.accessKeyId',
    env: 'SLUICE_S3_ACCESS_KEY_ID',
    kind: 'string',
    // Static keys only for the local MinIO; anywhere else the AWS default credential chain (task role, env, profile).
    default: (r) => (isLocalMinio(r) ? 'sluice' : ''),
    emptyIsValue: true,
    doc: 'S3 access key: the local MinIO root user by default; empty (any other endpoint) uses the AWS default credential chain (ECS task role, AWS_* env, profile).',
  },
  {
    key: 's3.secretAccessKey',
    env: 'SLUICE_S3_SECRET_ACCESS_KEY',
    kind: 'secret',
    default: (r) => (isLocalMinio(r) ? 'sluice-local-secret' : ''),
    emptyIsValue: true,
    doc: 'S3 secret key, set with SLUICE_S3_ACCESS_KEY_ID (the local MinIO root password, at least 8 characters).',
  },
  {
    key: 's3.forcePathStyle',
    env: 'SLUICE_S3_FORCE_PATH_STYLE',
    kind: 'bool',
    default: 'true',
    doc: 'Path-style bucket addressing (needed for MinIO).',
  },
  {
    key: 's3.landingBucket',
    env: 'SLUICE_BUCKET_LANDING',
    kind: 'name',
    default: 'sluice-landing',
    doc: 'Bucket where incoming files arrive (the CLI uploads local files here).',
  },
  {
    key: 's3.stagingBucket',
    env: 'SLUICE_BUCKET_STAGING',
    kind: 'name',
    default: 'sluice-staging',
    doc: 'Bucket for record-aligned chunks (claim checks) between activities.',
  },
  {
    key: 's3.quarantineBucket',
    env: 'SLUICE_BUCKET_QUARANTINE',
    kind: 'name',
    default: 'sluice-quarantine',
    doc: 'Bucket for quarantined records and audit entries.',
  },

  ...SINK_SETTINGS,

  // Pipeline
  {
    key: 'pipeline.chunkTargetBytes',
    env: 'SLUICE_CHUNK_TARGET_BYTES',
    kind: 'bytes',
    default: '2MiB',
    min: 1024,
    doc: "Target size of a record-aligned chunk (uncompressed). A worker's memory grows with it (each activity holds about a chunk's text several times over).",
  },
  {
    key: 'pipeline.maxRecordBytes',
    env: 'SLUICE_MAX_RECORD_BYTES',
    kind: 'bytes',
    default: '1MiB',
    min: 64,
    doc: 'Longest record accepted; longer ones are quarantined.',
  },
  {
    key: 'pipeline.maxChunksInFlight',
    env: 'SLUICE_MAX_CHUNKS_IN_FLIGHT',
    kind: 'int',
    default: '4',
    min: 1,
    max: 256,
    doc: 'Chunks of one file processed at once (sliding window).',
  },

  {
    key: 'pipeline.reminderInterval',
    env: 'SLUICE_REMINDER_INTERVAL',
    kind: 'duration',
    default: '1h',
    min: 1000,
    doc: 'How often a file awaiting a decision logs a reminder and bumps its visible reminder count.',
  },
  {
    key: 'pipeline.maxPoisonPerChunk',
    env: 'SLUICE_MAX_POISON_PER_CHUNK',
    kind: 'int',
    default: '10',
    min: 0,
    max: 100_000,
    doc: 'Records a sink may reject in one chunk and still be quarantined by bisection; beyond this the failure looks systemic and the file waits for a decision.',
  },

  {
    key: 'pipeline.chunksPerRun',
    env: 'SLUICE_CHUNKS_PER_RUN',
    kind: 'int',
    default: '150',
    min: 1,
    max: 10_000,
    doc: 'Chunks one workflow run handles before it continues as new (same workflow id, progress carried over), so history stays bounded however big the file; Temporal may ask for it sooner.',
  },

  // Worker fleet and backpressure
  {
    key: 'worker.concurrency',
    env: 'SLUICE_WORKER_CONCURRENCY',
    kind: 'int',
    default: '4',
    min: 1,
    max: 1024,
    doc: 'Split, process and bookkeeping activities one worker process runs at once (the sinks have their own limits).',
  },
  {
    key: 'worker.cachedWorkflows',
    env: 'SLUICE_WORKER_CACHED_WORKFLOWS',
    kind: 'int',
    default: '250',
    min: 2,
    max: 100_000,
    doc: "Workflows one worker keeps in memory between their tasks; one evicted is replayed from its history on its next task. Temporal's default follows the heap limit (about 40 at 224 MiB), too few for a burst of files; an ingest workflow holds only counts.",
  },
  {
    key: 'worker.heapLimit',
    env: 'SLUICE_WORKER_HEAP_LIMIT',
    kind: 'bytes',
    default: '224MiB',
    min: 0,
    doc: "V8 heap limit of `sluice worker` (Node's --max-old-space-size), so garbage is collected before RSS grows; about 200 MiB more is native (Temporal core, buffers). Raise it with chunk size or concurrency; 0 leaves Node's default.",
  },
  ...SINK_LIMIT_SETTINGS,
  ...RETRY_SETTINGS,
  ...DEPLOY_SETTINGS,
  ...PROGRESS_SETTINGS,
  ...INTAKE_SETTINGS,
  ...LIMIT_SETTINGS,
  ...CONNECTION_SETTINGS,
  ...METRICS_SETTINGS,
  {
    key: 'log.level',
    env: 'SLUICE_LOG_LEVEL',
    kind: 'string',
    default: 'info',
    oneOf: ['debug', 'info', 'warn', 'error'],
    doc: 'debug | info | warn | error.',
  },
] as const satisfies readonly Setting[];

/** True when S3 points at the local stack's MinIO, the only place Sluice supplies keys itself. */
export function isLocalMinio(r: Record<string, unknown>): boolean {
  return r['s3.endpoint'] === `http://127.0.0.1:${r['stack.minioPort']}`;
}
