import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateEvents, writeNdjson } from '../src/demo/generate';

/**
 * The bench's data: CloudTrail-like JSON records (about 1.1 KiB each, the size of real CloudTrail events), from
 * the demo generator, so the same seed gives the same bytes on every machine.
 */
export const BENCH_LOG_TYPE = 'cloudtrail';

/** Seeded lines, stopping once `bytes` (uncompressed, newlines included) are reached. */
function* linesUpTo(bytes: number, seed: number): Generator<string> {
  let written = 0;
  for (const line of generateEvents(BENCH_LOG_TYPE, Number.POSITIVE_INFINITY, seed)) {
    if (written >= bytes) return;
    written += Buffer.byteLength(line) + 1;
    yield line;
  }
}

/** Streams about `bytes` of records to `file` (optionally gzip): never the whole file in memory. */
export async function writeRecordsFile(file: string, bytes: number, seed: number, gzip: boolean): Promise<void> {
  const out = createWriteStream(file);
  const sink = gzip ? createGzip({ level: 1 }) : out;
  if (gzip) sink.pipe(out);
  await writeNdjson(linesUpTo(bytes, seed), sink);
  sink.end();
  await finished(out);
}

/** A small file's content in memory (arrival runs upload many of these). */
export function recordsBuffer(bytes: number, seed: number): Buffer {
  return Buffer.from(`${[...linesUpTo(bytes, seed)].join('\n')}\n`);
}
