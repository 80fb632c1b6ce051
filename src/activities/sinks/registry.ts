import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import type { SluiceConfig } from '../../config/load';
import { SINK_NAMES, SINK_SPECS, type SinkName } from '../../contracts/sinks';
import type { Logger } from '../../shared/log';
import { createOpenSearchSink } from './opensearch/sink';
import { createS3Sink } from './s3/sink';
import type { Sink } from './sink';
import { createSnowflakeSink } from './snowflake/sink';
import { AdaptiveThrottle } from './throttle';

/** What a sink's factory is given: configuration, the worker's shared clients, and its throttle. */
export interface SinkContext {
  cfg: SluiceConfig;
  s3: S3Client;
  opensearch: Client;
  log?: Logger;
  /** This process's throttle for the sink, starting at its configured concurrency. */
  throttle: AdaptiveThrottle;
}

export type SinkFactory = (ctx: SinkContext) => Sink;

/**
 * Every sink's code, by name: one line per sink. Typed by SinkName, so a sink declared in contracts/sinks.ts
 * without its factory here does not compile. What the workflow and configuration know of each sink (settings,
 * defaults, error types) is its spec, beside its code in sinks/<name>/spec.ts.
 */
export const SINK_FACTORIES: Record<SinkName, SinkFactory> = {
  s3: (c) => createS3Sink({ s3: c.s3, bucket: c.cfg.s3.processedBucket }),
  snowflake: (c) => createSnowflakeSink({ cfg: c.cfg.snowflake, throttle: c.throttle }),
  opensearch: (c) =>
    createOpenSearchSink({
      client: c.opensearch,
      indexPrefix: c.cfg.opensearch.indexPrefix,
      replicas: c.cfg.opensearch.replicas,
      throttle: c.throttle,
    }),
};

export interface SinkDeps {
  cfg: SluiceConfig;
  s3: S3Client;
  opensearch: Client;
  log?: Logger;
}

/** Every destination, by name, each with one throttle per process: all its writers slow down together. */
export function createSinks(deps: SinkDeps): Record<SinkName, Sink> {
  const { cfg, log } = deps;
  return Object.fromEntries(
    SINK_NAMES.map((name) => {
      const maxConcurrent = cfg.sinks?.[name]?.concurrency ?? SINK_SPECS[name].concurrency;
      const throttle = new AdaptiveThrottle({ name, maxConcurrent, log });
      return [name, SINK_FACTORIES[name]({ ...deps, throttle })];
    }),
  ) as Record<SinkName, Sink>;
}

export { type EnvelopeBatch, PermanentSinkError, type Sink, type SinkWriteResult } from './sink';
