import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import type { SluiceConfig } from '../../config/load';
import type { SinkName } from '../../shared/ingest-types';
import { createOpenSearchSink } from './opensearch';
import { createS3Sink } from './s3';
import type { Sink } from './sink';
import { createSnowflakeSink } from './snowflake';

export interface SinkDeps {
  cfg: SluiceConfig;
  s3: S3Client;
  opensearch: Client;
}

/** Every destination, by name. A new sink is one file beside this one and one line here. */
export function createSinks(deps: SinkDeps): Record<SinkName, Sink> {
  const { cfg } = deps;
  return {
    s3: createS3Sink({ s3: deps.s3, bucket: cfg.s3.processedBucket }),
    opensearch: createOpenSearchSink({ client: deps.opensearch, indexPrefix: cfg.opensearch.indexPrefix }),
    snowflake: createSnowflakeSink({ cfg: cfg.snowflake }),
  };
}

export { type EnvelopeBatch, PermanentSinkError, type Sink, type SinkWriteResult } from './sink';
