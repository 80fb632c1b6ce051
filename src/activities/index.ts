import type { S3Client } from '@aws-sdk/client-s3';
import type { SluiceConfig } from '../config/load';
import type { SinkChunkInput, SinkChunkResult } from '../contracts/ingest';
import { SINK_NAMES, type SinkActivityName, type SinkName, sinkActivityName } from '../contracts/sinks';
import type { Logger } from '../shared/log';
import { parseTenantSources } from '../shared/tenant-sources';
import { createDecisionActivities } from './decisions';
import { createScanActivities } from './intake/scan-activities';
import { createProcessChunk } from './process/process-chunk';
import { createReplayRejected } from './replay-rejected';
import { createSinkChunk } from './sink-chunk';
import type { Sink } from './sinks/sink';
import { createSplitFile } from './split/split-file';

export interface ActivityDeps {
  cfg: SluiceConfig;
  s3: S3Client;
  sinks: Record<SinkName, Sink>;
  log: Logger;
}

/** The worker injects real clients here; tests inject the same real clients pointed at the local stack. */
export function createActivities(deps: ActivityDeps) {
  const common = {
    s3: deps.s3,
    stagingBucket: deps.cfg.s3.stagingBucket,
    quarantineBucket: deps.cfg.s3.quarantineBucket,
    log: deps.log,
  };
  const sinkActivities = Object.fromEntries(
    SINK_NAMES.map((name) => [sinkActivityName(name), createSinkChunk(deps.sinks[name], common)]),
  ) as Record<SinkActivityName, (input: SinkChunkInput) => Promise<SinkChunkResult>>;
  return {
    splitFile: createSplitFile({ ...common, tenantSources: parseTenantSources(deps.cfg.tenants.sources) }),
    processChunk: createProcessChunk(common),
    ...sinkActivities,
    ...createDecisionActivities(common),
    replayRejected: createReplayRejected({ s3: deps.s3, quarantineBucket: common.quarantineBucket, sinks: deps.sinks }),
    ...createScanActivities({ cfg: deps.cfg, s3: deps.s3, log: deps.log }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
