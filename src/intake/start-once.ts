import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { defaultIngestOptions } from '../client/ingest-client';
import { workflowIdFor } from '../client/workflow-id';
import type { SluiceConfig } from '../config/load';
import type { FileRef, IngestInput } from '../contracts/ingest';
import { INGEST_WORKFLOW } from '../contracts/messages';

export type StartOutcome = 'started' | 'already started';

/**
 * Starts the ingest of one object version, once ever: the workflow id is the one `sluice ingest` uses, and any
 * earlier run under it (running, completed, even failed) counts as started. A notification delivered twice, a
 * notification and a scan, or two intake processes therefore make one workflow. A failed file is restarted by a
 * person (`sluice ingest`), not by every scan.
 */
export async function startOnce(client: Client, cfg: SluiceConfig, file: FileRef): Promise<StartOutcome> {
  const input: IngestInput = { file, options: defaultIngestOptions(cfg) };
  try {
    await client.workflow.start(INGEST_WORKFLOW, {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: workflowIdFor(file),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
    return 'started';
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return 'already started';
    throw e;
  }
}
