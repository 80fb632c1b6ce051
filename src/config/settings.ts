/**
 * Every Sluice setting, once: its environment name, its key in a config file, its kind, default and meaning.
 * The loader validates against this table and the README's configuration reference is printed from it
 * (`sluice config --markdown`), so the two cannot drift apart.
 */
import { LIMIT_SETTINGS } from './settings-limits';

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
  /** Inclusive bounds for numeric kinds. */
  min?: number;
  max?: number;
}

export const SETTINGS: readonly Setting[] = [
  // Local stack: where tools and state live, and the loopback ports its services listen on.
  {
    key: 'stack.home',
    env: 'SLUICE_HOME',
    kind: 'string',
    default: (_, env) => `${env.HOME ?? '/tmp'}/.cache/sluice`,
    doc: 'Cache for installed tools and the local stack state.',
  },
  {
    key: 'stack.toolsDir',
    env: 'SLUICE_TOOLS_DIR',
    kind: 'string',
    default: (r) => `${r['stack.home']}/tools`,
    doc: 'Where pinned tools (temporal, minio, opensearch, fakesnow) are installed once and reused.',
  },
  {
    key: 'stack.stateDir',
    env: 'SLUICE_STATE_DIR',
    kind: 'string',
    default: (r) => `${r['stack.home']}/state`,
    doc: 'Data, logs and pid files of the local stack (Temporal SQLite file, MinIO data, …).',
  },
  {
    key: 'stack.temporalPort',
    env: 'SLUICE_TEMPORAL_PORT',
    kind: 'port',
    default: '7233',
    doc: 'Temporal frontend (gRPC) port of the local stack.',
  },
  {
    key: 'stack.temporalUiPort',
    env: 'SLUICE_TEMPORAL_UI_PORT',
    kind: 'port',
    default: '8233',
    doc: 'Temporal Web UI port of the local stack.',
  },
  { key: 'stack.minioPort', env: 'SLUICE_MINIO_PORT', kind: 'port', default: '9000', doc: 'MinIO S3 API port.' },
  {
    key: 'stack.minioConsolePort',
    env: 'SLUICE_MINIO_CONSOLE_PORT',
    kind: 'port',
    default: '9001',
    doc: 'MinIO console port.',
  },
  {
    key: 'stack.opensearchPort',
    env: 'SLUICE_OPENSEARCH_PORT',
    kind: 'port',
    default: '9200',
    doc: 'OpenSearch HTTP port.',
  },
  {
    key: 'stack.opensearchTransportPort',
    env: 'SLUICE_OPENSEARCH_TRANSPORT_PORT',
    kind: 'port',
    default: '9300',
    doc: 'OpenSearch transport port (single node, loopback).',
  },
  {
    key: 'stack.opensearchHeap',
    env: 'SLUICE_OPENSEARCH_HEAP',
    kind: 'string',
    default: '512m',
    doc: 'OpenSearch JVM heap (-Xms and -Xmx).',
  },
  {
    key: 'stack.opensearchUser',
    env: 'SLUICE_OPENSEARCH_USER',
    kind: 'name',
    default: 'sluice-opensearch',
    doc: 'Unprivileged user OpenSearch runs as when the stack is started by root (created if missing).',
  },
  {
    key: 'stack.fakesnowPort',
    env: 'SLUICE_FAKESNOW_PORT',
    kind: 'port',
    default: '64616',
    doc: 'Snowflake emulator (fakesnow) HTTP port.',
  },
  {
    key: 'stack.startTimeout',
    env: 'SLUICE_STACK_START_TIMEOUT',
    kind: 'duration',
    default: '180s',
    doc: 'How long `stack up` waits for each service to become healthy.',
  },

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
    default: 'sluice',
    doc: 'S3 access key (the local MinIO root user).',
  },
  {
    key: 's3.secretAccessKey',
    env: 'SLUICE_S3_SECRET_ACCESS_KEY',
    kind: 'secret',
    default: 'sluice-local-secret',
    doc: 'S3 secret key (the local MinIO root password, at least 8 characters).',
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
    key: 's3.processedBucket',
    env: 'SLUICE_BUCKET_PROCESSED',
    kind: 'name',
    default: 'sluice-processed',
    doc: 'Bucket for processed, partitioned gzip NDJSON.',
  },
  {
    key: 's3.quarantineBucket',
    env: 'SLUICE_BUCKET_QUARANTINE',
    kind: 'name',
    default: 'sluice-quarantine',
    doc: 'Bucket for quarantined records and audit entries.',
  },

  // OpenSearch
  {
    key: 'opensearch.url',
    env: 'SLUICE_OPENSEARCH_URL',
    kind: 'url',
    default: (r) => `http://127.0.0.1:${r['stack.opensearchPort']}`,
    doc: 'OpenSearch URL.',
  },
  {
    key: 'opensearch.username',
    env: 'SLUICE_OPENSEARCH_USERNAME',
    kind: 'string',
    default: '',
    doc: 'OpenSearch basic-auth user (empty: no auth, as in the local stack).',
  },
  {
    key: 'opensearch.password',
    env: 'SLUICE_OPENSEARCH_PASSWORD',
    kind: 'secret',
    default: '',
    doc: 'OpenSearch basic-auth password.',
  },
  {
    key: 'opensearch.indexPrefix',
    env: 'SLUICE_OPENSEARCH_INDEX_PREFIX',
    kind: 'name',
    default: 'sluice',
    doc: 'Prefix of the daily indices (<prefix>-<tenant>-<logtype>-<yyyy.mm.dd>).',
  },

  // Snowflake
  {
    key: 'snowflake.accessUrl',
    env: 'SLUICE_SNOWFLAKE_ACCESS_URL',
    kind: 'string',
    default: (r) => `http://127.0.0.1:${r['stack.fakesnowPort']}`,
    doc: 'Snowflake access URL; the local emulator by default, empty for the account URL.',
  },
  {
    key: 'snowflake.account',
    env: 'SLUICE_SNOWFLAKE_ACCOUNT',
    kind: 'string',
    default: 'sluice',
    doc: 'Snowflake account identifier.',
  },
  {
    key: 'snowflake.username',
    env: 'SLUICE_SNOWFLAKE_USERNAME',
    kind: 'string',
    default: 'sluice',
    doc: 'Snowflake user.',
  },
  {
    key: 'snowflake.password',
    env: 'SLUICE_SNOWFLAKE_PASSWORD',
    kind: 'secret',
    default: 'sluice',
    doc: 'Snowflake password.',
  },
  {
    key: 'snowflake.database',
    env: 'SLUICE_SNOWFLAKE_DATABASE',
    kind: 'name',
    default: 'SLUICE',
    doc: 'Snowflake database.',
  },
  {
    key: 'snowflake.schema',
    env: 'SLUICE_SNOWFLAKE_SCHEMA',
    kind: 'name',
    default: 'PUBLIC',
    doc: 'Snowflake schema.',
  },
  {
    key: 'snowflake.warehouse',
    env: 'SLUICE_SNOWFLAKE_WAREHOUSE',
    kind: 'string',
    default: '',
    doc: 'Snowflake warehouse (empty: the user default).',
  },
  {
    key: 'snowflake.table',
    env: 'SLUICE_SNOWFLAKE_TABLE',
    kind: 'name',
    default: 'EVENTS',
    doc: 'Table the events land in (created by the migration step).',
  },
  {
    key: 'snowflake.rowsPerStatement',
    env: 'SLUICE_SNOWFLAKE_ROWS_PER_STATEMENT',
    kind: 'int',
    default: '5000',
    min: 1,
    max: 100_000,
    doc: 'Most rows per INSERT statement (each statement also stays under 8 MiB of row data, one bind).',
  },

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
  ...sinkSettings(),

  ...retrySettings(),
  ...LIMIT_SETTINGS,

  { key: 'log.level', env: 'SLUICE_LOG_LEVEL', kind: 'string', default: 'info', doc: 'debug | info | warn | error.' },
];

/**
 * Each sink has its own task queue, so its limits hold whatever else the fleet is doing: a per-process
 * concurrency, and a fleet-wide rate enforced by the Temporal server. A backlog drains at this pace, not faster.
 */
function sinkSettings(): Setting[] {
  const sinks: [sink: string, env: string, concurrency: string][] = [
    ['s3', 'S3', '4'],
    ['snowflake', 'SNOWFLAKE', '2'],
    ['opensearch', 'OPENSEARCH', '2'],
  ];
  return sinks.flatMap(
    ([sink, env, concurrency]) =>
      [
        {
          key: `sinks.${sink}.concurrency`,
          env: `SLUICE_SINK_${env}_CONCURRENCY`,
          kind: 'int',
          default: concurrency,
          min: 1,
          max: 256,
          doc: `Chunks one worker process writes to ${sink} at once.`,
        },
        {
          key: `sinks.${sink}.ratePerSecond`,
          env: `SLUICE_SINK_${env}_RATE`,
          kind: 'number',
          default: '0',
          min: 0,
          doc: `Chunk writes to ${sink} started per second across the whole fleet (Temporal task-queue rate limit); 0 means no limit.`,
        },
      ] satisfies Setting[],
  );
}

/** Per-stage retry: a stage retries with backoff until its window runs out, then the file waits for a person. */
function retrySettings(): Setting[] {
  const stages: [stage: string, env: string, window: string, initial: string][] = [
    ['split', 'SPLIT', '6h', '5s'],
    ['process', 'PROCESS', '2h', '1s'],
    ['s3', 'S3', '6h', '1s'],
    ['snowflake', 'SNOWFLAKE', '6h', '2s'],
    ['opensearch', 'OPENSEARCH', '6h', '1s'],
  ];
  return stages.flatMap(
    ([stage, env, window, initial]) =>
      [
        {
          key: `retry.${stage}.window`,
          env: `SLUICE_RETRY_${env}_WINDOW`,
          kind: 'duration',
          default: window,
          min: 1000,
          doc: `Total time the ${stage} stage keeps retrying one piece of work before the file waits for a decision.`,
        },
        {
          key: `retry.${stage}.initialInterval`,
          env: `SLUICE_RETRY_${env}_INITIAL_INTERVAL`,
          kind: 'duration',
          default: initial,
          min: 1,
          doc: `First retry delay of the ${stage} stage.`,
        },
        {
          key: `retry.${stage}.maximumInterval`,
          env: `SLUICE_RETRY_${env}_MAX_INTERVAL`,
          kind: 'duration',
          default: '10m',
          min: 1,
          doc: `Longest delay between retries of the ${stage} stage.`,
        },
        {
          key: `retry.${stage}.backoffCoefficient`,
          env: `SLUICE_RETRY_${env}_BACKOFF`,
          kind: 'number',
          default: '2',
          min: 1,
          max: 10,
          doc: `Growth of the ${stage} stage's retry delay.`,
        },
        {
          key: `retry.${stage}.nonRetryableErrorTypes`,
          env: `SLUICE_RETRY_${env}_NON_RETRYABLE`,
          kind: 'list',
          default: '',
          doc: `Comma-separated error types the ${stage} stage never retries, on top of the built-in permanent ones.`,
        },
      ] satisfies Setting[],
  );
}
