import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import type { SluiceConfig } from '../../config/load';
import type { SinkName } from '../../shared/ingest-types';
import type { Logger } from '../../shared/log';
import { createOpenSearchSink } from './opensearch';
import { createS3Sink } from './s3';
import type { Sink } from './sink';
import { createSnowflakeSink } from './snowflake';
import { AdaptiveThrottle } from './throttle';

export interface SinkDeps {
  cfg: SluiceConfig;
  s3: S3Client;
  opensearch: Client;
  log?: Logger;
}

/** Every destination, by name. A new sink is one file beside this one and one line here. */
export function createSinks(deps: SinkDeps): Record<SinkName, Sink> {
  const { cfg, log } = deps;
  // One throttle per provider and process, starting at the sink's concurrency: all its writers slow down together.
  const throttle = (name: SinkName) =>
    new AdaptiveThrottle({ name, maxConcurrent: cfg.sinks?.[name]?.concurrency ?? 4, log });
  return {
    s3: createS3Sink({ s3: deps.s3, bucket: cfg.s3.processedBucket }),
    opensearch: createOpenSearchSink({
      client: deps.opensearch,
      indexPrefix: cfg.opensearch.indexPrefix,
      throttle: throttle('opensearch'),
    }),
    snowflake: createSnowflakeSink({ cfg: cfg.snowflake, throttle: throttle('snowflake') }),
  };
}

export {
  type EnvelopeBatch,
  PermanentSinkError,
  type Sink,
  type SinkWriteResult,
  SystemicSinkError,
} from './sink';
