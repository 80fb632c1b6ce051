/**
 * The notification bodies that announce a new object, in the exact JSON AWS (and MinIO) write, reduced to what an
 * ingest needs. Pure functions: the SQS consumer, the MinIO webhook and the tests share them.
 */

/** One object version that arrived. */
export interface ObjectArrival {
  bucket: string;
  /** Decoded: the key as S3's API takes it. */
  key: string;
  /** Without quotes; with the key it names the version, as the ingest workflow id does. */
  etag: string;
  size?: number;
  versionId?: string;
  sequencer?: string;
  eventTime?: string;
  /** e.g. ObjectCreated:Put, s3:ObjectCreated:CompleteMultipartUpload, Object Created/PutObject */
  eventName: string;
  via: 's3' | 'eventbridge' | 'minio';
}

/** A record of a notification that is not an object-created event (a delete, a restore…): seen, not started. */
export interface SkippedRecord {
  eventName: string;
  bucket?: string;
  key?: string;
}

export type Notification =
  | { kind: 'test'; bucket?: string }
  | { kind: 'objects'; arrivals: ObjectArrival[]; skipped: SkippedRecord[] };

/** A body that no code path can use; it goes to the dead-letter queue with this message as its reason. */
export class UnusableNotification extends Error {
  override name = 'UnusableNotification';
}

/**
 * S3 writes keys form-encoded (`+` for a space, `%2B` for `+`, `%XX` for UTF-8 bytes); so does MinIO.
 * EventBridge writes them as they are.
 */
export function decodeS3EventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new UnusableNotification(`object key ${JSON.stringify(encoded)} is not valid URL encoding`);
  }
}

const stripQuotes = (etag: string) => etag.replace(/^"|"$/g, '');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

export function parseNotification(body: string): Notification {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new UnusableNotification(`not JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new UnusableNotification('not a JSON object');
  // SNS → SQS without raw message delivery wraps the S3 body in an envelope.
  if (doc.Type === 'Notification' && typeof doc.Message === 'string') return parseNotification(doc.Message);
  if (doc.Event === 's3:TestEvent') return { kind: 'test', bucket: str(doc.Bucket) };
  if (Array.isArray(doc.Records)) return fromS3Records(doc.Records, doc.EventName !== undefined);
  if (doc.source === 'aws.s3' && typeof doc['detail-type'] === 'string') return fromEventBridge(doc);
  throw new UnusableNotification(
    'neither an S3 event notification (Records), an s3:TestEvent nor an EventBridge aws.s3 event',
  );
}

function fromS3Records(records: unknown[], minioEnvelope: boolean): Notification {
  const arrivals: ObjectArrival[] = [];
  const skipped: SkippedRecord[] = [];
  records.forEach((r, i) => {
    const s3 = isObject(r) && isObject(r.s3) ? r.s3 : undefined;
    const bucket = s3 && isObject(s3.bucket) ? str(s3.bucket.name) : undefined;
    const object = s3 && isObject(s3.object) ? s3.object : undefined;
    const rawKey = object ? str(object.key) : undefined;
    const eventName = isObject(r) ? (str(r.eventName) ?? '') : '';
    if (!bucket || rawKey === undefined)
      throw new UnusableNotification(`Records[${i}] has no s3.bucket.name or s3.object.key`);
    const key = decodeS3EventKey(rawKey);
    // MinIO names its events s3:ObjectCreated:Put, S3 ObjectCreated:Put.
    if (!/^(s3:)?ObjectCreated:/.test(eventName)) {
      skipped.push({ eventName, bucket, key });
      return;
    }
    const etag = object ? str(object.eTag) : undefined;
    if (!etag) throw new UnusableNotification(`Records[${i}] (${bucket}/${key}) has no s3.object.eTag`);
    const source = isObject(r) ? str(r.eventSource) : undefined;
    arrivals.push({
      bucket,
      key,
      etag: stripQuotes(etag),
      size: num(object?.size),
      versionId: str(object?.versionId) || undefined,
      sequencer: str(object?.sequencer),
      eventTime: isObject(r) ? str(r.eventTime) : undefined,
      eventName,
      via: minioEnvelope || source === 'minio:s3' ? 'minio' : 's3',
    });
  });
  return { kind: 'objects', arrivals, skipped };
}

function fromEventBridge(doc: Json): Notification {
  const detail = isObject(doc.detail) ? doc.detail : {};
  const bucket = isObject(detail.bucket) ? str(detail.bucket.name) : undefined;
  const object = isObject(detail.object) ? detail.object : undefined;
  const key = object ? str(object.key) : undefined;
  const eventName = `${doc['detail-type']}${typeof detail.reason === 'string' ? `/${detail.reason}` : ''}`;
  if (!bucket || key === undefined)
    throw new UnusableNotification('EventBridge event has no detail.bucket.name or detail.object.key');
  if (doc['detail-type'] !== 'Object Created')
    return { kind: 'objects', arrivals: [], skipped: [{ eventName, bucket, key }] };
  const etag = object ? str(object.etag) : undefined;
  if (!etag) throw new UnusableNotification(`EventBridge event for ${bucket}/${key} has no detail.object.etag`);
  return {
    kind: 'objects',
    arrivals: [
      {
        bucket,
        key,
        etag: stripQuotes(etag),
        size: num(object?.size),
        versionId: str(object?.['version-id']) || undefined,
        sequencer: str(object?.sequencer),
        eventTime: str(doc.time),
        eventName,
        via: 'eventbridge',
      },
    ],
    skipped: [],
  };
}
