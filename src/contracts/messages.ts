import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApproveRequest, DropRequest, IngestStatus } from './ingest';
import { approveProblem, dropProblem } from './validation';

/** Defined once, used by the workflow (handlers) and by clients (CLI, tests). */
export const statusQuery = defineQuery<IngestStatus>('status');

/**
 * A person's decision on work that waits. Signals serve the stock `temporal workflow signal` and the Web UI's
 * "Send a Signal"; the updates of the same meaning give the sluice CLI a synchronous answer, and their
 * validators reject bad requests before anything is recorded.
 */
export const approveSignal = defineSignal<[ApproveRequest?]>('approve');
export const dropSignal = defineSignal<[DropRequest]>('drop');
export interface DecisionResult {
  decided: number[];
}
export const approveUpdate = defineUpdate<DecisionResult, [ApproveRequest]>('approve');
export const dropUpdate = defineUpdate<DecisionResult, [DropRequest]>('drop');

/** Workflow type names, for clients that start them by name (the CLI, tests, the stock temporal CLI). */
export const INGEST_WORKFLOW = 'ingestFile';
export const REPLAY_WORKFLOW = 'replayRejectedRecords';

export function validateDrop(req: DropRequest | undefined): void {
  const problem = dropProblem(req);
  if (problem) throw new Error(problem);
}

export function validateApprove(req: ApproveRequest | undefined): void {
  const problem = approveProblem(req);
  if (problem) throw new Error(problem);
}
