import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

interface Stored {
  body: Buffer;
  etag: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

/**
 * Just enough of S3 (GetObject with If-Match, PutObject) in memory for split and process, so the fuzz and
 * memory suites can push thousands of files through the real activities without a stack. Not for testing
 * S3 behaviour: the integration suite does that against MinIO.
 */
export class MemoryS3 {
  readonly objects = new Map<string, Stored>();

  put(bucket: string, key: string, body: Buffer, lastModified = new Date()): string {
    const etag = createHash('md5').update(body).digest('hex');
    this.objects.set(`${bucket}/${key}`, { body, etag, metadata: {}, lastModified });
    return etag;
  }

  keys(bucket: string, prefix = ''): string[] {
    const p = `${bucket}/${prefix}`;
    return [...this.objects.keys()].filter((k) => k.startsWith(p)).map((k) => k.slice(bucket.length + 1));
  }

  get(bucket: string, key: string): Buffer | undefined {
    return this.objects.get(`${bucket}/${key}`)?.body;
  }

  clear(): void {
    this.objects.clear();
  }

  /** Streams the body in 64 KiB pieces, as a real GetObject does, and offers transformToByteArray too. */
  private getObject(input: { Bucket?: string; Key?: string; IfMatch?: string }) {
    const o = this.objects.get(`${input.Bucket}/${input.Key}`);
    if (!o)
      throw Object.assign(new Error('The specified key does not exist.'), {
        name: 'NoSuchKey',
        $metadata: { httpStatusCode: 404 },
      });
    if (input.IfMatch && input.IfMatch.replace(/"/g, '') !== o.etag)
      throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      });
    const pieces = function* () {
      for (let i = 0; i < o.body.length; i += 65_536) yield o.body.subarray(i, i + 65_536);
    };
    const body = Object.assign(Readable.from(pieces()), { transformToByteArray: async () => new Uint8Array(o.body) });
    return {
      Body: body,
      ContentLength: o.body.length,
      LastModified: o.lastModified,
      Metadata: o.metadata,
      ETag: `"${o.etag}"`,
    };
  }

  private putObject(input: { Bucket?: string; Key?: string; Body?: unknown; Metadata?: Record<string, string> }) {
    const b = input.Body;
    const body = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b as Uint8Array);
    const etag = this.put(input.Bucket as string, input.Key as string, body);
    const stored = this.objects.get(`${input.Bucket}/${input.Key}`) as Stored;
    stored.metadata = { ...(input.Metadata ?? {}) };
    return { ETag: `"${etag}"` };
  }

  /** Typed as the real client for the activities' deps; only Get and Put are answered. */
  client(): S3Client {
    const send = async (command: unknown) => {
      if (command instanceof GetObjectCommand) return this.getObject(command.input);
      if (command instanceof PutObjectCommand) return this.putObject(command.input);
      throw new Error(`MemoryS3: ${(command as object).constructor.name} is not supported`);
    };
    return { send } as unknown as S3Client;
  }
}
