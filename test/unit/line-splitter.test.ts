import { describe, expect, it } from 'vitest';
import { isBlank, LineSplitter } from '../../src/activities/split/line-splitter';

type Seen = { kind: 'line' | 'empty' | 'oversize'; text: string; line: number; offset: number; total?: number };

function run(pieces: string[], max = 10, keep = 16): Seen[] {
  const seen: Seen[] = [];
  const splitter = new LineSplitter(max, keep, {
    line: (b, line, offset) => seen.push({ kind: 'line', text: b.toString(), line, offset }),
    empty: (line) => seen.push({ kind: 'empty', text: '', line, offset: -1 }),
    oversize: (b, total, line, offset) => seen.push({ kind: 'oversize', text: b.toString(), line, offset, total }),
  });
  for (const p of pieces) splitter.push(Buffer.from(p));
  splitter.finish();
  return seen;
}

describe('LineSplitter', () => {
  it('splits on newlines across arbitrary buffer boundaries, with 1-based lines and byte offsets', () => {
    expect(run(['ab', 'c\nde', 'f\n\ngh'])).toEqual([
      { kind: 'line', text: 'abc', line: 1, offset: 0 },
      { kind: 'line', text: 'def', line: 2, offset: 4 },
      { kind: 'empty', text: '', line: 3, offset: -1 },
      { kind: 'line', text: 'gh', line: 4, offset: 9 },
    ]);
  });

  it('a trailing newline does not make an extra line', () => {
    expect(run(['a\nb\n']).map((s) => s.text)).toEqual(['a', 'b']);
  });

  it('reports a line over the limit with its full length, keeps only the cap, and goes on', () => {
    const long = 'x'.repeat(40);
    expect(run(['ok\n', long.slice(0, 7), long.slice(7), '\nnext'])).toEqual([
      { kind: 'line', text: 'ok', line: 1, offset: 0 },
      { kind: 'oversize', text: 'x'.repeat(16), line: 2, offset: 3, total: 40 },
      { kind: 'line', text: 'next', line: 3, offset: 44 },
    ]);
  });

  it('a line of exactly the limit is a record', () => {
    expect(run(['0123456789\n'])).toEqual([{ kind: 'line', text: '0123456789', line: 1, offset: 0 }]);
  });

  it('isBlank: whitespace-only lines are blank', () => {
    expect(isBlank(Buffer.from(' \t\r'))).toBe(true);
    expect(isBlank(Buffer.from(' {}'))).toBe(false);
  });
});
