import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

interface StoredObject {
  body: Buffer;
  etag: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

/** An error shaped as the AWS SDK shapes them (name and HTTP status), so the activities classify it the same. */
function awsError(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

async function bytesOf(body: unknown): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const parts: Buffer[] = [];
  for await (const part of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/**
 * S3 in memory, behind the S3 client's own interface (`send(command)`), for the commands the activities use.
 * Workflow tests inject it where the worker injects a real S3Client; nothing is mocked above it.
 */
export class MemoryS3 {
  readonly objects = new Map<string, StoredObject>();

  constructor(private readonly buckets: readonly string[]) {}

  put(bucket: string, key: string, body: Buffer | string): string {
    const bytes = Buffer.from(body);
    const etag = createHash('md5').update(bytes).digest('hex');
    this.objects.set(`${bucket}/${key}`, { body: bytes, etag, metadata: {}, lastModified: new Date() });
    return etag;
  }

  /** Keys of a bucket under a prefix, sorted. */
  keys(bucket: string, prefix = ''): string[] {
    const start = `${bucket}/${prefix}`;
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(start))
      .map((k) => k.slice(bucket.length + 1))
      .sort();
  }

  text(bucket: string, key: string): string {
    return this.require(bucket, key).body.toString('utf8');
  }

  /** The S3Client the activities are given. */
  asClient(): S3Client {
    return this as unknown as S3Client;
  }

  private bucket(name: string | undefined): string {
    if (!name || !this.buckets.includes(name)) throw awsError('NoSuchBucket', 404, `no bucket ${name}`);
    return name;
  }

  private require(bucket: string | undefined, key: string | undefined): StoredObject {
    const o = this.objects.get(`${this.bucket(bucket)}/${key}`);
    if (!o) throw awsError('NoSuchKey', 404, `no object ${bucket}/${key}`);
    return o;
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof GetObjectCommand) {
      const { Bucket, Key, IfMatch } = command.input;
      const o = this.require(Bucket, Key);
      if (IfMatch && IfMatch.replace(/"/g, '') !== o.etag)
        throw awsError('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      const body = Object.assign(Readable.from([o.body]), {
        transformToByteArray: async () => new Uint8Array(o.body),
      });
      return {
        Body: body,
        ContentLength: o.body.length,
        LastModified: o.lastModified,
        Metadata: o.metadata,
        ETag: `"${o.etag}"`,
      };
    }
    if (command instanceof HeadObjectCommand) {
      const o = this.require(command.input.Bucket, command.input.Key);
      return { ETag: `"${o.etag}"`, ContentLength: o.body.length, Metadata: o.metadata };
    }
    if (command instanceof PutObjectCommand) {
      const { Bucket, Key, Body, Metadata } = command.input;
      const bucket = this.bucket(Bucket);
      const etag = this.put(bucket, Key as string, await bytesOf(Body));
      (this.objects.get(`${bucket}/${Key}`) as StoredObject).metadata = { ...Metadata };
      return { ETag: `"${etag}"` };
    }
    if (command instanceof CopyObjectCommand) {
      const { Bucket, Key, CopySource } = command.input;
      const [srcBucket, ...rest] = (CopySource as string).split('/');
      const src = this.require(srcBucket, rest.join('/'));
      this.objects.set(`${this.bucket(Bucket)}/${Key}`, { ...src, metadata: { ...src.metadata } });
      return {};
    }
    if (command instanceof ListObjectsV2Command) {
      const { Bucket, Prefix } = command.input;
      const keys = this.keys(this.bucket(Bucket), Prefix ?? '');
      return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false };
    }
    if (command instanceof DeleteObjectsCommand) {
      const bucket = this.bucket(command.input.Bucket);
      for (const { Key } of command.input.Delete?.Objects ?? []) this.objects.delete(`${bucket}/${Key}`);
      return { Errors: [] };
    }
    if (command instanceof HeadBucketCommand) {
      this.bucket(command.input.Bucket);
      return {};
    }
    throw new Error(`MemoryS3: ${(command as object).constructor.name} is not supported`);
  }

  /** Nothing to release; the SDK client's destroy() is called on shutdown. */
  destroy(): void {}
}
