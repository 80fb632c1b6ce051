import { createHash } from 'node:crypto';
import type { FileRef } from '../contracts/ingest';

const MAX_READABLE = 800;

/**
 * One id per tenant and object version, readable in the Web UI: `ingest/<tenant>/<bucket>/<key>@<etag>`.
 * A key too long for a workflow id keeps its tail and gains a hash, so ids stay unique.
 */
export function workflowIdFor(file: FileRef): string {
  const id = `ingest/${file.tenant}/${file.bucket}/${file.key}@${file.etag}`;
  if (id.length <= MAX_READABLE) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `ingest/${file.tenant}/${file.bucket}/…${file.key.slice(-400)}@${file.etag}#${hash}`;
}
