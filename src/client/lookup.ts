import type { SluiceConfig } from '../config/load';
import { createS3 } from '../shared/clients';
import { UsageError } from './errors';
import { resolveSource } from './sources';
import { workflowIdFor } from './workflow-id';

/** A CLI reference to a file — its workflow id, an s3:// URI or the local path it was ingested from — as a workflow id. */
export async function workflowIdOf(ref: string, tenant: string | undefined, cfg: SluiceConfig): Promise<string> {
  if (ref.startsWith('ingest/')) return ref;
  if (!tenant) throw new UsageError('--tenant is required to find the workflow of a file (or give its workflow id)');
  const s3 = createS3(cfg.s3);
  try {
    // The log type does not enter the workflow id; any value serves to look the file up.
    return workflowIdFor(await resolveSource(ref, { s3, cfg, tenant, logType: 'json', upload: false }));
  } finally {
    s3.destroy();
  }
}
