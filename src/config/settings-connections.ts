import type { Setting } from './settings';

/**
 * How Sluice reaches Temporal, S3, OpenSearch and Snowflake outside the local stack (TLS, mTLS, API keys, the AWS
 * credential chain, SigV4, key-pair auth) and how it encrypts what it puts in Temporal's history.
 * Every default keeps the local stack working unchanged.
 *
 * Settings holding a certificate or key take either a file path or the PEM text itself (an ECS secret injected
 * into the environment is text; a mounted file is a path).
 */
export const CONNECTION_SETTINGS = [
  // Temporal
  {
    key: 'temporal.tls',
    env: 'SLUICE_TEMPORAL_TLS',
    kind: 'bool',
    default: 'false',
    doc: 'TLS to the Temporal frontend with the system CAs. Turned on by itself when a CA, a client certificate or an API key is set.',
  },
  {
    key: 'temporal.tlsCa',
    env: 'SLUICE_TEMPORAL_TLS_CA',
    kind: 'string',
    default: '',
    doc: "CA certificate(s) the frontend's certificate must chain to (PEM file path or PEM text); empty: the system CAs.",
  },
  {
    key: 'temporal.tlsCert',
    env: 'SLUICE_TEMPORAL_TLS_CERT',
    kind: 'string',
    default: '',
    doc: 'Client certificate for mTLS (PEM file path or PEM text, chain included); needs SLUICE_TEMPORAL_TLS_KEY.',
  },
  {
    key: 'temporal.tlsKey',
    env: 'SLUICE_TEMPORAL_TLS_KEY',
    kind: 'secret',
    default: '',
    doc: 'Private key of the mTLS client certificate (PEM file path or PEM text).',
  },
  {
    key: 'temporal.tlsServerName',
    env: 'SLUICE_TEMPORAL_TLS_SERVER_NAME',
    kind: 'string',
    default: '',
    doc: "Name the frontend's certificate must carry when it differs from the address's host (SNI and verification).",
  },
  {
    key: 'temporal.apiKey',
    env: 'SLUICE_TEMPORAL_API_KEY',
    kind: 'secret',
    default: '',
    doc: 'Temporal Cloud API key (sent as a bearer token over TLS); use it or an mTLS certificate.',
  },

  // S3
  {
    key: 's3.kmsKeyId',
    env: 'SLUICE_S3_KMS_KEY_ID',
    kind: 'string',
    default: '',
    doc: 'KMS key (id, ARN or alias) for SSE-KMS on every object Sluice writes; empty: the bucket default encryption.',
  },
  {
    key: 's3.expectedBucketOwner',
    env: 'SLUICE_S3_EXPECTED_BUCKET_OWNER',
    kind: 'string',
    default: '',
    doc: 'AWS account id every bucket must belong to; S3 refuses any request to a bucket another account owns.',
  },
  {
    key: 's3.tlsCa',
    env: 'SLUICE_S3_TLS_CA',
    kind: 'string',
    default: '',
    doc: 'CA certificate(s) for an https S3 endpoint with a private CA, e.g. MinIO with its own certificates (PEM file path or text).',
  },

  // OpenSearch
  {
    key: 'opensearch.sigv4Service',
    env: 'SLUICE_OPENSEARCH_SIGV4',
    kind: 'string',
    default: '',
    oneOf: ['', 'es', 'aoss'],
    doc: 'Sign requests with AWS SigV4 and the default credential chain: `es` (Amazon OpenSearch Service domain) or `aoss` (Serverless); empty: no signing.',
  },
  {
    key: 'opensearch.region',
    env: 'SLUICE_OPENSEARCH_REGION',
    kind: 'string',
    default: (r) => String(r['s3.region']),
    doc: 'AWS region for SigV4 signing.',
  },
  {
    key: 'opensearch.tlsCa',
    env: 'SLUICE_OPENSEARCH_TLS_CA',
    kind: 'string',
    default: '',
    doc: 'CA certificate(s) for an https OpenSearch URL with a private CA (PEM file path or text).',
  },
  {
    key: 'opensearch.replicas',
    env: 'SLUICE_OPENSEARCH_REPLICAS',
    kind: 'int',
    // The local stack is one node, where a replica could never be assigned and every index would stay yellow.
    default: (r) => (r['opensearch.url'] === `http://127.0.0.1:${r['stack.opensearchPort']}` ? '0' : '1'),
    min: 0,
    max: 15,
    doc: 'Replicas per shard in the index template (0 for the local single-node stack, 1 elsewhere; ignored by Serverless).',
  },

  // Snowflake
  {
    key: 'snowflake.privateKey',
    env: 'SLUICE_SNOWFLAKE_PRIVATE_KEY',
    kind: 'secret',
    default: '',
    doc: "Key-pair (JWT) authentication: the user's private key (PKCS#8 PEM file path or PEM text); replaces the password.",
  },
  {
    key: 'snowflake.privateKeyPassphrase',
    env: 'SLUICE_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
    kind: 'secret',
    default: '',
    doc: 'Passphrase of an encrypted private key.',
  },
  {
    key: 'snowflake.role',
    env: 'SLUICE_SNOWFLAKE_ROLE',
    kind: 'string',
    default: '',
    doc: "Role the session uses (empty: the user's default role).",
  },
  {
    key: 'snowflake.migrate',
    env: 'SLUICE_SNOWFLAKE_MIGRATE',
    kind: 'bool',
    default: 'true',
    doc: 'Create the database, schema and table on start-up; false for a least-privilege role (the table must exist, see the README for the grants).',
  },

  // Payload encryption
  {
    key: 'codec.keys',
    env: 'SLUICE_CODEC_KEYS',
    kind: 'secret',
    default: '',
    doc: 'AES-256-GCM keys encrypting workflow inputs, results, errors and signals in Temporal: `id=base64key,…`, 32-byte keys. The first encrypts, all decrypt (rotation). Empty: no encryption.',
  },
  {
    key: 'codec.serverPort',
    env: 'SLUICE_CODEC_SERVER_PORT',
    kind: 'port',
    default: '8234',
    doc: '`sluice codec-server` port (loopback); the local stack points its Web UI here when SLUICE_CODEC_KEYS is set.',
  },
  {
    key: 'codec.serverUrl',
    env: 'SLUICE_CODEC_SERVER_URL',
    kind: 'url',
    default: (r) => `http://127.0.0.1:${r['codec.serverPort']}`,
    doc: 'Codec server URL the Web UI calls (its browser must reach it).',
  },
  {
    key: 'codec.serverToken',
    env: 'SLUICE_CODEC_SERVER_TOKEN',
    kind: 'secret',
    default: '',
    doc: 'Bearer token the codec server requires (empty: none, fine on loopback only).',
  },
  {
    key: 'codec.corsOrigins',
    env: 'SLUICE_CODEC_CORS_ORIGINS',
    kind: 'string',
    default: (r) => String(r['temporal.uiUrl']),
    doc: 'Comma-separated browser origins allowed to call the codec server (the Web UI).',
  },
] as const satisfies readonly Setting[];
