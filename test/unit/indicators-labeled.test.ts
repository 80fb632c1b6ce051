import { describe, expect, it } from 'vitest';
import { extractIndicators, type Indicators } from '../../src/transforms';
import { labeledSet } from './formats/labeled-indicators';

type Kind = keyof Indicators;
const KINDS: Kind[] = ['ips', 'domains', 'md5', 'sha1', 'sha256', 'emails'];

function score() {
  const set = labeledSet();
  const counts = Object.fromEntries(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    Kind,
    { tp: number; fp: number; fn: number }
  >;
  const mistakes: string[] = [];
  for (const { format, record, expected } of set) {
    const got = extractIndicators(record);
    for (const k of KINDS) {
      const want = new Set(expected[k]);
      for (const v of got[k]) {
        if (want.has(v)) counts[k].tp++;
        else {
          counts[k].fp++;
          mistakes.push(`${format}: extra ${k} ${v}`);
        }
      }
      for (const v of want) {
        if (!got[k].includes(v)) {
          counts[k].fn++;
          mistakes.push(`${format}: missed ${k} ${v}`);
        }
      }
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const table = KINDS.map((k) => ({
    kind: k,
    precision: ratio(counts[k].tp, counts[k].tp + counts[k].fp),
    recall: ratio(counts[k].tp, counts[k].tp + counts[k].fn),
    ...counts[k],
  }));
  return { records: set.length, table, mistakes };
}

describe('indicator precision and recall on the labeled set', () => {
  it('holds at least 300 records across the formats', () => {
    const set = labeledSet();
    expect(set.length).toBeGreaterThanOrEqual(300);
    expect(new Set(set.map((l) => l.format.split(' ')[0])).size).toBe(8);
  });

  it('stays above 0.95 precision for IPs and 0.9 for hashes and domains', () => {
    const { table, mistakes } = score();
    // Printed so the README's figures can be refreshed from a run.
    console.log(
      table
        .map(
          (r) =>
            `${r.kind}: precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)} (tp ${r.tp}, fp ${r.fp}, fn ${r.fn})`,
        )
        .join('\n'),
    );
    if (mistakes.length) console.log(mistakes.slice(0, 30).join('\n'));
    const of = (k: Kind) => table.find((r) => r.kind === k) as (typeof table)[number];
    expect(of('ips').precision).toBeGreaterThanOrEqual(0.95);
    for (const k of ['domains', 'md5', 'sha1', 'sha256'] as const) expect(of(k).precision).toBeGreaterThanOrEqual(0.9);
    for (const k of KINDS) expect(of(k).recall).toBeGreaterThanOrEqual(0.9);
  });
});
