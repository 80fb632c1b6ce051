import type { FileRef } from '../contracts/ingest';
import { failure } from './failures';
import { sourceUri } from './layout';

/**
 * S3 failures reading a source object: those no retry can fix fail fast with a message an operator
 * understands; everything else (network, 5xx, throttling) is rethrown for Temporal to retry with backoff.
 */
export function classifyS3Error(e: unknown, file: FileRef): unknown {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const uri = sourceUri(file);
  if (err.name === 'NoSuchKey' || err.name === 'NotFound' || status === 404) {
    return failure(`${uri} does not exist`, 'SourceMissing');
  }
  if (err.name === 'NoSuchBucket') {
    return failure(`bucket ${file.bucket} does not exist (${uri})`, 'SourceMissing');
  }
  if (err.name === 'PreconditionFailed' || status === 412) {
    return failure(
      `${uri} has changed since it was submitted (expected ETag ${file.etag}); the new version is a new file`,
      'SourceChanged',
    );
  }
  if (err.name === 'AccessDenied' || status === 403) {
    return failure(`access denied reading ${uri}: ${err.message}`, 'SourceAccessDenied');
  }
  return e;
}
