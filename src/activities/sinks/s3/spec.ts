import type { Setting } from '../../../config/settings';
import type { SinkSpec } from '../../../contracts/sinks';

const MINUTE = 60_000;

/** The S3 sink's settings (the S3 connection itself is shared: s3.* in config/settings.ts). */
export const S3_SINK_SETTINGS = [
  {
    key: 's3.processedBucket',
    env: 'SLUICE_BUCKET_PROCESSED',
    kind: 'name',
    default: 'sluice-processed',
    doc: 'Bucket for processed, partitioned gzip NDJSON.',
  },
] as const satisfies readonly Setting[];

/** Processed, partitioned gzip NDJSON in S3: what the workflow and the configuration know of it. */
export const s3Spec = {
  name: 's3',
  env: 'S3',
  concurrency: 4,
  retry: { window: '6h', initialInterval: '1s' },
  attemptTimeout: 10 * MINUTE,
  // A missing bucket or denied access is a SystemicRefusal (contracts/errors.ts): no record of its own.
  errors: {},
  settings: S3_SINK_SETTINGS,
} as const satisfies SinkSpec<'s3'>;
