import type { S3Client } from '@aws-sdk/client-s3';
import type { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { connectIngestClient, type IngestClient } from '../src/client/ingest-client';
import type { SluiceConfig } from '../src/config/load';
import { CpuMeter } from './cpu-usage';

/** What every part of the bench shares: one run id (names tenants, queues, indices), config, clients. */
export interface BenchContext {
  runId: string;
  cfg: SluiceConfig;
  s3: S3Client;
  opensearch: OpenSearchClient;
  /** The stack's service processes by name, to account for their CPU. */
  stackPids: Record<string, number>;
  /** Where generated files and worker logs go; removed at the end. */
  tmpDir: string;
  say(line: string): void;
}

/** Tenant names follow the CLI's pattern (lowercase letters, digits, - and _). */
export const tenantFor = (ctx: BenchContext, label: string) => `bench-${ctx.runId}-${label}`;

/** A task queue no one else polls, so another worker on the shared stack never takes the bench's work. */
export const taskQueueFor = (ctx: BenchContext, label: string) => `sluice-bench-${ctx.runId}-${label}`;

/** An ingest client that starts workflows on `taskQueue`. */
/** Measures the CPU of the worker, every stack service and the bench itself (uploads, queries). */
export const cpuMeterFor = (ctx: BenchContext, workerPid: number) =>
  new CpuMeter({ worker: workerPid, ...ctx.stackPids });

export function ingestClientOn(ctx: BenchContext, taskQueue: string): Promise<IngestClient> {
  return connectIngestClient({ ...ctx.cfg, temporal: { ...ctx.cfg.temporal, taskQueue } });
}
