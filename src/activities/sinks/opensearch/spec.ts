import type { Setting } from '../../../config/settings';
import type { SinkSpec } from '../../../contracts/sinks';

const MINUTE = 60_000;

/** Cluster and index naming of the OpenSearch sink. */
export const OPENSEARCH_SETTINGS = [
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
] as const satisfies readonly Setting[];

/** Daily indices in OpenSearch, documents keyed by row id. */
export const opensearchSpec = {
  name: 'opensearch',
  env: 'OPENSEARCH',
  concurrency: 2,
  retry: { window: '6h', initialInterval: '1s' },
  attemptTimeout: 10 * MINUTE,
  errors: {
    // One document not fitting the mapping, or refused by itself: bisection isolates it.
    MappingConflict: 'record',
    DocumentRejected: 'record',
    // The whole request or the index template refused: no record of the chunk is to blame.
    Rejected: 'permanent',
    InvalidIndexName: 'permanent',
    TemplateRejected: 'permanent',
  },
  settings: OPENSEARCH_SETTINGS,
} as const satisfies SinkSpec<'opensearch'>;
