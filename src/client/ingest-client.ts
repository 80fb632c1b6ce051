import { hostname, userInfo } from 'node:os';
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { sluiceDataConverter } from '../codec/data-converter';
import type { SluiceConfig } from '../config/load';
import {
  type FileRef,
  type IngestInput,
  type IngestOptions,
  type IngestStatus,
  type IngestSummary,
  STAGE_ACTIVITIES,
  type Stage,
} from '../contracts/ingest';
import { INGEST_WORKFLOW, statusQuery } from '../contracts/messages';
import { ingestInputProblems } from '../contracts/validation';
import { connectTemporal } from '../shared/temporal-connection';
import { parseTenantSources, sourceRefusal } from '../shared/tenant-sources';
import { fileStaticDetails, fileStaticSummary } from '../shared/ui-text';
import { workflowIdFor } from './workflow-id';

/** Refused before anything starts: the same checks the workflow and the worker make. */
export class InvalidIngestError extends Error {
  override name = 'InvalidIngestError';
}

export class AlreadyIngestedError extends Error {
  override name = 'AlreadyIngestedError';
  constructor(
    message: string,
    readonly workflowId: string,
  ) {
    super(message);
  }
}

export interface IngestClient {
  client: Client;
  start(file: FileRef, options?: IngestOptions): Promise<WorkflowHandle>;
  describe(workflowId: string): Promise<FileStatus>;
  uiLink(workflowId: string): string;
  close(): Promise<void>;
}

export interface FileStatus {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, … */
  execution: string;
  /** A running file's status (the query), or a finished one's summary (its result). */
  progress?: IngestStatus | IngestSummary;
  /** Stages whose work is failing and being retried right now (a provider down, throttling…). */
  waiting: StageWaiting[];
  failure?: string;
  link: string;
}

export interface StageWaiting {
  stage: Stage;
  /** When the oldest work of this stage that is now retrying was first scheduled. */
  since: string;
  /** The highest attempt among them. */
  attempt: number;
  /** How many activities of this stage are retrying. */
  activities: number;
  lastError?: string;
  nextAttemptAt?: string;
}

/**
 * The options every started ingest carries, from configuration (the CLI, the intake and scans alike): every
 * pipeline setting is an ingest option of the same name (the workflow's defaults are the same table's).
 */
export function defaultIngestOptions(cfg: SluiceConfig): IngestOptions {
  return { ...cfg.pipeline, metricLabels: cfg.metrics.tenantLabels, retry: cfg.retry };
}

export async function connectIngestClient(cfg: SluiceConfig): Promise<IngestClient> {
  const connection = await connectTemporal(cfg.temporal);
  const dataConverter = sluiceDataConverter(cfg.codec);
  const client = new Client({
    connection,
    namespace: cfg.temporal.namespace,
    ...(dataConverter ? { dataConverter } : {}),
  });
  const uiLink = (id: string) =>
    `${cfg.temporal.uiUrl}/namespaces/${cfg.temporal.namespace}/workflows/${encodeURIComponent(id)}`;
  const defaults = defaultIngestOptions(cfg);
  const tenantSources = parseTenantSources(cfg.tenants.sources);

  async function describe(workflowId: string): Promise<FileStatus> {
    const handle = client.workflow.getHandle(workflowId);
    const d = await handle.describe();
    const status: FileStatus = {
      workflowId,
      runId: d.runId,
      execution: d.status.name,
      waiting: [],
      link: uiLink(workflowId),
    };
    if (d.status.name === 'COMPLETED') status.progress = (await handle.result()) as IngestSummary;
    else if (d.status.name === 'FAILED') {
      try {
        await handle.result();
      } catch (e) {
        status.failure = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      }
      status.progress = await handle.query(statusQuery).catch(() => undefined);
    } else status.progress = await handle.query(statusQuery).catch(() => undefined);
    if (d.status.name === 'RUNNING') status.waiting = waitingStages(d.raw.pendingActivities ?? [], status.progress);
    return status;
  }

  return {
    client,
    uiLink,
    describe,
    async start(file, options = {}) {
      const refusal = sourceRefusal(tenantSources, file.tenant, file.bucket, file.key);
      if (refusal) throw new InvalidIngestError(refusal);
      const workflowId = workflowIdFor(file);
      const input: IngestInput = {
        file,
        options: { ...defaults, ...options, retry: mergeRetry(defaults.retry, options.retry) },
      };
      const problems = ingestInputProblems(input);
      if (problems.length) throw new InvalidIngestError(`invalid ingest input: ${problems.join('; ')}`);
      try {
        return await client.workflow.start(INGEST_WORKFLOW, {
          taskQueue: cfg.temporal.taskQueue,
          workflowId,
          args: [input],
          // A file version is ingested once. A failed attempt may be started again; a completed one only
          // when re-ingest is asked for explicitly. A running one is never started twice.
          workflowIdReusePolicy: options.reingest ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'FAIL',
          // What the Web UI shows in the list and at the top of the workflow page, before anything runs.
          staticSummary: fileStaticSummary(file),
          staticDetails: fileStaticDetails(file, `${starter()} via sluice${options.reingest ? ' (re-ingest)' : ''}`),
        });
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        const existing = await describe(workflowId).catch(() => undefined);
        const uri = `s3://${file.bucket}/${file.key}`;
        const message =
          existing?.execution === 'RUNNING'
            ? `${uri} (ETag ${file.etag}) is being ingested right now for tenant ${file.tenant} (workflow ${workflowId})`
            : `${uri} (ETag ${file.etag}) was already ingested for tenant ${file.tenant} (workflow ${workflowId}, ${existing?.execution?.toLowerCase() ?? 'closed'}); pass --reingest to ingest it again`;
        throw new AlreadyIngestedError(message, workflowId);
      }
    },
    close: () => connection.close(),
  };
}

/** Who started a file, for the audit trail a person reads in the Web UI. */
function starter(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    // No passwd entry (some containers): the host alone still says where it came from.
    return hostname();
  }
}

type PendingActivity = NonNullable<Awaited<ReturnType<WorkflowHandle['describe']>>['raw']['pendingActivities']>[number];
type Timestamp = PendingActivity['nextAttemptScheduleTime'];

const isoOf = (t: Timestamp) =>
  t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined;

/**
 * Which stages are failing and retrying, from the server's pending activities (attempts, last failure) and the
 * workflow's own record of when that work was scheduled. Work that merely runs, however long, is not waiting.
 */
export function waitingStages(
  pending: PendingActivity[],
  progress: IngestStatus | IngestSummary | undefined,
): StageWaiting[] {
  const byStage = new Map<Stage, StageWaiting>();
  for (const a of pending) {
    const stage = STAGE_ACTIVITIES[a.activityType?.name ?? ''];
    if (!stage || ((a.attempt ?? 1) <= 1 && !a.lastFailure)) continue;
    const w = byStage.get(stage) ?? { stage, since: '', attempt: 0, activities: 0 };
    w.activities += 1;
    if ((a.attempt ?? 1) >= w.attempt) {
      w.attempt = a.attempt ?? 1;
      w.lastError = a.lastFailure?.message ?? w.lastError;
      w.nextAttemptAt = isoOf(a.nextAttemptScheduleTime) ?? w.nextAttemptAt;
    }
    byStage.set(stage, w);
  }
  for (const w of byStage.values()) {
    const running = progress && 'running' in progress ? progress.running : [];
    const scheduled = running.filter((r) => r.stage === w.stage).map((r) => r.since);
    w.since = scheduled.sort()[0] ?? new Date().toISOString();
  }
  return [...byStage.values()];
}

function mergeRetry(base: IngestOptions['retry'], over: IngestOptions['retry']): IngestOptions['retry'] {
  const out: NonNullable<IngestOptions['retry']> = { ...base };
  for (const [stage, r] of Object.entries(over ?? {})) out[stage as Stage] = { ...base?.[stage as Stage], ...r };
  return out;
}
