import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectBytes } from '../shared/clients';
import type { Envelope } from '../transforms/envelope';
import { staging } from './layout';

/** Envelopes at rest between activities: gzip NDJSON, one envelope a line. */
export function encodeEnvelopes(envelopes: Envelope[]): Buffer {
  return gzipSync(envelopes.length ? `${envelopes.map((e) => JSON.stringify(e)).join('\n')}\n` : '', { level: 1 });
}

export function decodeEnvelopes(body: Buffer): Envelope[] {
  const text = gunzipSync(body).toString('utf8');
  const out: Envelope[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as Envelope);
  return out;
}

/** A chunk's envelopes, as the process activity left them in staging. */
export async function readChunkEnvelopes(
  s3: S3Client,
  stagingBucket: string,
  fileId: string,
  chunk: number,
): Promise<Envelope[]> {
  return decodeEnvelopes(await getObjectBytes(s3, stagingBucket, staging.envelopes(fileId, chunk)));
}
