import { getHeapStatistics } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SplitProcessHarness } from '../helpers/split-process';

/**
 * Memory follows bytes, not records: files with hundreds of thousands of tiny records or millions of blank
 * lines go through split and process under the production heap limit (this project's execArgv). Before
 * chunks were held as one buffer and capped in records, each of these aborted the process with a V8 heap
 * out-of-memory error.
 */
describe('memory bound by bytes, not records (production heap limit)', () => {
  const h = new SplitProcessHarness();
  const limits = { chunkTargetBytes: 2 * 1024 * 1024, maxRecordBytes: 1024 * 1024, maxRecordsPerChunk: 10_000 };

  it('runs under the production heap limit', () => {
    // V8 rounds the limit up a little (new space); far below Node's default of 2+ GiB either way.
    expect(getHeapStatistics().heap_size_limit / 1024 / 1024).toBeLessThan(300);
  });

  it('400,000 tiny records ({"a":1} a line, 3 MiB): every one parsed, chunks capped at 10,000 records', async () => {
    const n = 400_000;
    const body = Buffer.from('{"a":1}\n'.repeat(n));
    const out = await h.run(body, { key: 'tiny.ndjson', tenant: 'mem', logType: 'json' }, limits, {
      keepEnvelopes: false,
    });
    expect(out.split).toMatchObject({ records: n, blank: 0, quarantined: 0, chunkCount: 40 });
    expect(out.chunks.every((c) => c.records === 10_000 && c.parsed === 10_000)).toBe(true);
    expect(out.chunks.reduce((s, c) => s + c.parsed, 0)).toBe(n);
    expect(out.chunks.at(-1)?.lastLine).toBe(n);
  });

  it('a gzip of 3,000,000 blank lines (3 KB compressed): counted as blank, no chunk, nothing quarantined', async () => {
    const body = gzipSync(Buffer.alloc(3_000_000, 0x0a), { level: 9 });
    expect(body.length).toBeLessThan(10_000);
    const out = await h.run(body, { key: 'blank.ndjson.gz', tenant: 'mem', logType: 'json' }, limits);
    expect(out.split).toMatchObject({ records: 0, blank: 3_000_000, quarantined: 0, chunkCount: 0, gzip: true });
  });

  it('records among millions of blank and whitespace lines keep their line numbers', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 5; i++) parts.push(`{"i":${i}}\n`, ' \t\r\n'.repeat(400_000), '\n'.repeat(200_000));
    const out = await h.run(
      gzipSync(parts.join('')),
      { key: 'sparse.ndjson.gz', tenant: 'mem', logType: 'json' },
      limits,
    );
    expect(out.split).toMatchObject({ records: 5, blank: 5 * 600_000, quarantined: 0 });
    expect(out.envelopeLines).toEqual([0, 1, 2, 3, 4].map((i) => 1 + i * 600_001));
  });
});
