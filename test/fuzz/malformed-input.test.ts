import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { type FileOutcome, SplitProcessHarness } from '../helpers/split-process';

/**
 * Generated hostile files through the real split and process activities under the production heap limit.
 * Whatever the bytes, nothing crashes and every line is accounted for exactly once: parsed, quarantined, or
 * counted blank. Seeded, so a failure replays (SLUICE_FUZZ_SEED, SLUICE_FUZZ_FILES).
 */
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261125);
const FILES = Number(process.env.SLUICE_FUZZ_FILES ?? 1000);
const MAX_RECORD_BYTES = 4096;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a generated line must become: `any` where either outcome is acceptable (but exactly one). */
type Expect = 'parsed' | 'quarantined' | 'any';
interface Line {
  bytes: Buffer;
  expect: Expect;
}

function generator(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const text = (n: number) =>
    Array.from({ length: n }, () => pick(['a', 'Z', '9', ' ', 'é', '日', '🙂', '"', '\\', '/', '\u2028'])).join('');
  const time = () =>
    pick([
      new Date(Date.UTC(1990 + int(111), int(12), 1 + int(28))).toISOString(),
      Date.UTC(2024, 4, 1) / 1000 + int(1e6),
      '9999-12-31T23:59:59Z',
      -1e15,
      1e300,
      'yesterday',
    ]);
  const record = (): Record<string, unknown> => ({
    ts: time(),
    id: int(1e9),
    msg: text(int(40)),
    ip: pick(['10.0.0.1', '::1', '2001:db8::1', '999.1.1.1', 'fe80::1%eth0']),
    nested: { a: [1, 'two', null, { b: text(5) }], c: rand() < 0.5 },
    ...(rand() < 0.1 ? JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":1}}') : {}),
  });
  const valid = (): Line => ({ bytes: Buffer.from(JSON.stringify(record())), expect: 'parsed' });
  const kinds: (() => Line)[] = [
    valid,
    valid,
    valid,
    // CRLF line endings: the \r is the line's last byte.
    () => ({ bytes: Buffer.from(`${JSON.stringify(record())}\r`), expect: 'parsed' }),
    () => ({ bytes: Buffer.from(pick(['', '', ' ', '\t', '\r', ' \t \r'])), expect: 'any' }),
    // Truncated: a compact object cut before its closing brace is never valid.
    () => {
      const s = JSON.stringify(record());
      return { bytes: Buffer.from(s.slice(0, 1 + int(s.length - 1))), expect: 'quarantined' };
    },
    // Binary noise (never a newline).
    () => ({
      bytes: Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256)).map((b) => (b === 10 ? 11 : b))),
      expect: 'any',
    }),
    // Raw NUL and control bytes inside a JSON string are invalid JSON.
    () => ({ bytes: Buffer.from(`{"a":"x${String.fromCharCode(int(9))}y\u001f"}`), expect: 'quarantined' }),
    // Latin-1 bytes where UTF-8 is expected.
    () => ({ bytes: Buffer.from(`{"name":"caf${'\u00e9'}","v":${int(9)}}`, 'latin1'), expect: 'quarantined' }),
    // Not an object.
    () => ({
      bytes: Buffer.from(pick(['[1,2]', '42', '"s"', 'null', 'true', '{}}', '{"a":1}{"b":2}'])),
      expect: 'quarantined',
    }),
    // Over the record size limit: quarantined at split.
    () => ({ bytes: Buffer.from(`{"big":"${'x'.repeat(MAX_RECORD_BYTES + int(20_000))}"}`), expect: 'quarantined' }),
    // Just under the limit.
    () => ({ bytes: Buffer.from(`{"big":"${'y'.repeat(MAX_RECORD_BYTES - 12)}"}`), expect: 'parsed' }),
    // Deep nesting: may parse, may be refused when normalized, never crashes.
    () => {
      const d = pick([50, 500, 1500]);
      return { bytes: Buffer.from(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`.slice(0, MAX_RECORD_BYTES)), expect: 'any' };
    },
    () => {
      const d = pick([100, 1000, 2000]);
      return { bytes: Buffer.from(`{"deep":${'['.repeat(d)}${']'.repeat(d)}}`), expect: 'any' };
    },
    // Duplicate keys, odd numbers, escapes, lone surrogates.
    () => ({ bytes: Buffer.from('{"a":1,"a":2,"n":-0,"e":1e308,"s":"\\ud800","u":"\\u0000"}'), expect: 'parsed' }),
  ];

  /** One file: its bytes (maybe gzip) and its lines as generated. */
  return function file(): { body: Buffer; lines: Line[]; key: string } {
    const lines = Array.from({ length: int(200) }, () => pick(kinds)());
    let body = Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from('\n')]));
    if (rand() < 0.3) body = body.subarray(0, Math.max(0, body.length - 1)); // no final newline
    if (rand() < 0.05) {
      // A byte-order mark (UTF-8, or the whole file as UTF-16LE): the first line, or all, may not parse.
      body =
        rand() < 0.5
          ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])
          : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.toString('latin1'), 'utf16le')]);
      for (const l of lines) l.expect = 'any';
    }
    const gz = rand() < 0.15;
    return { body: gz ? gzipSync(body) : body, lines, key: `fuzz/${int(1e9)}.ndjson${gz ? '.gz' : ''}` };
  };
}

/** gzip of `piece` repeated `times`, without ever holding the decompressed whole. */
async function gzipRepeated(piece: Buffer, times: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (b: Buffer) => out.push(b));
  for (let i = 0; i < times; i++) if (!gz.write(piece)) await new Promise((r) => gz.once('drain', r));
  await new Promise((r) => gz.end(r));
  return Buffer.concat(out);
}

/** The lines of a decompressed file as the test sees them: split on \n, a final newline ending the last. */
function linesOf(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = raw.indexOf(0x0a, start);
    if (nl === -1) {
      if (start < raw.length) out.push(raw.subarray(start));
      return out;
    }
    out.push(raw.subarray(start, nl));
    start = nl + 1;
  }
}

const blank = (b: Buffer) => b.every((c) => c === 0x20 || c === 0x09 || c === 0x0d);

function account(raw: Buffer, generated: Line[] | undefined, out: FileOutcome): void {
  const lines = linesOf(raw);
  const blankLines = lines.filter(blank).length;
  expect(out.split.blank).toBe(blankLines);
  expect(out.split.records).toBe(lines.length - blankLines);
  const parsed = new Set(out.envelopeLines);
  const quarantined = new Set(out.quarantinedLines);
  // Each line once: no line both parsed and quarantined, none twice.
  expect(parsed.size).toBe(out.envelopeLines.length);
  expect(quarantined.size).toBe(out.quarantinedLines.length);
  lines.forEach((l, i) => {
    const n = i + 1;
    const outcome = blank(l) ? 'blank' : parsed.has(n) ? 'parsed' : quarantined.has(n) ? 'quarantined' : 'lost';
    expect(outcome === 'parsed' && quarantined.has(n), `line ${n} both parsed and quarantined`).toBe(false);
    expect(outcome, `line ${n} (${l.subarray(0, 60).toString('latin1')})`).not.toBe('lost');
    const want = generated?.[i]?.expect;
    if (outcome !== 'blank' && (want === 'parsed' || want === 'quarantined'))
      expect(outcome, `line ${n}: ${l.subarray(0, 80).toString('latin1')}`).toBe(want);
  });
  expect(parsed.size + quarantined.size).toBe(lines.length - blankLines);
  const processed = out.chunks.reduce((s, c) => s + c.parsed + c.quarantined, 0);
  expect(processed + out.split.quarantined).toBe(out.split.records);
}

describe(`fuzz: ${FILES} generated malformed files through split and process (seed ${SEED})`, () => {
  const h = new SplitProcessHarness();

  it('never crashes, and accounts for every line as parsed, quarantined or blank', async () => {
    const rand = prng(SEED);
    const next = generator(rand);
    let lines = 0;
    let refused = 0;
    for (let i = 0; i < FILES; i++) {
      const f = next();
      const raw = f.key.endsWith('.gz') ? gunzipSync(f.body) : f.body;
      const limits = {
        chunkTargetBytes: 1024 + Math.floor(rand() * 64 * 1024),
        maxRecordBytes: MAX_RECORD_BYTES,
        maxRecordsPerChunk: 1 + Math.floor(rand() * 300),
      };
      const out = await h.run(f.body, { key: f.key, tenant: 'fuzz', logType: 'json' }, limits).catch((e: unknown) => e);
      if (out instanceof ApplicationFailure && out.type === 'FormatMismatch') {
        // A file whose first records all fail is refused whole at split (issue 11): it waits for a decision and
        // nothing of it is lost. Only a file with no valid record among its first ones may be refused.
        expect(out.nonRetryable).toBe(true);
        const firstRecords = linesOf(raw)
          .map((l, i) => ({ l, want: f.lines?.[i]?.expect }))
          .filter(({ l }) => !blank(l))
          .slice(0, 20);
        expect(firstRecords.some(({ want }) => want === 'parsed')).toBe(false);
        refused += 1;
        continue;
      }
      if (out instanceof Error) throw out;
      account(raw, f.lines, out as FileOutcome);
      lines += f.lines.length;
    }
    expect(lines).toBeGreaterThan(FILES * 50);
    // Refusal is for files that are not the format at all, not a way around accounting for every line.
    expect(refused).toBeLessThan(FILES / 10);
  });

  it('a truncated gzip stops with a permanent TruncatedInput error, not a crash', async () => {
    const rand = prng(SEED + 1);
    const next = generator(rand);
    for (let i = 0; i < 20; i++) {
      const f = next();
      const gz = gzipSync(Buffer.concat([f.body, Buffer.from('{"pad":1}\n'.repeat(200))]));
      const cut = gz.subarray(0, 10 + Math.floor(rand() * (gz.length - 20)));
      const err = await h
        .run(
          cut,
          { key: 'fuzz/cut.ndjson.gz', tenant: 'fuzz', logType: 'json' },
          {
            chunkTargetBytes: 4096,
            maxRecordBytes: MAX_RECORD_BYTES,
          },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toMatch(/^(TruncatedInput|CorruptInput)$/);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
    }
  });

  it('gzip bombs stop at the size or ratio limit, naming the setting', async () => {
    // 200 MiB of records in about 200 KiB: the ratio limit (judged past 64 MiB) stops it. Compressed piece by
    // piece: the bomb whole would not fit this process's heap, which is rather the point.
    const bomb = await gzipRepeated(Buffer.from('{"a":1}\n'.repeat(128 * 1024)), 200);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const byRatio = await h
      .run(
        bomb,
        { key: 'fuzz/bomb.ndjson.gz', tenant: 'fuzz', logType: 'json' },
        {
          chunkTargetBytes: 2 * 1024 * 1024,
          maxRecordBytes: 1024 * 1024,
          maxCompressionRatio: 200,
        },
      )
      .catch((e: unknown) => e);
    expect(byRatio).toMatchObject({ type: 'DecompressionLimit', nonRetryable: true });
    expect((byRatio as Error).message).toMatch(/over the limit SLUICE_MAX_COMPRESSION_RATIO \(200:1\)/);

    const bySize = await h
      .run(
        bomb,
        { key: 'fuzz/bomb2.ndjson.gz', tenant: 'fuzz', logType: 'json' },
        {
          chunkTargetBytes: 2 * 1024 * 1024,
          maxRecordBytes: 1024 * 1024,
          maxCompressionRatio: 0,
          maxDecompressedBytes: 16 * 1024 * 1024,
        },
      )
      .catch((e: unknown) => e);
    expect(bySize).toMatchObject({ type: 'DecompressionLimit', nonRetryable: true });
    expect((bySize as Error).message).toMatch(/over the limit SLUICE_MAX_DECOMPRESSED_BYTES \(16777216 bytes\)/);
  });
});
