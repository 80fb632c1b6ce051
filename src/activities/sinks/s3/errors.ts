import { SystemicSinkError } from '../sink';

type S3Failure = { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };

/**
 * A missing bucket or denied access is the deployment's to fix and refuses every record alike: systemic (retried
 * within the window, then parked, never bisected). The rest is retried as it is.
 */
export function classifyS3SinkError(e: unknown, bucket: string): unknown {
  const err = e as S3Failure;
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'NoSuchBucket' || (err.name === 'NotFound' && status === 404)) {
    return new SystemicSinkError('s3', `bucket ${bucket} does not exist`, 'BucketMissing');
  }
  if (err.name === 'AccessDenied' || status === 403) {
    return new SystemicSinkError('s3', `access denied to bucket ${bucket}: ${err.message}`, 'AccessDenied');
  }
  return e;
}
