import { gunzipSync, gzipSync } from 'node:zlib';
import type { Envelope } from '../transforms/envelope';

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
