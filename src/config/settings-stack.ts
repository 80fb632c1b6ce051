import type { Setting } from './settings';

/**
 * The local stack's settings: where `sluice stack` installs tools and keeps state, and the loopback ports its
 * services listen on. A production deployment sets none of these; it sets the endpoints (temporal.address,
 * s3.endpoint, opensearch.url, snowflake.accessUrl), whose defaults point at this stack.
 */
export const STACK_SETTINGS = [
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
] as const satisfies readonly Setting[];
