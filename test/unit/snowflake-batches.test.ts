import { describe, expect, it } from 'vitest';
import { insertSql, rowBatches } from '../../src/activities/sinks/snowflake';

describe('snowflake row batches', () => {
  const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify([`r${i}`, 'x'.repeat(100)]));

  it('keeps every row once, in order, as JSON arrays under the row cap', () => {
    const batches = rowBatches(rows, 4);
    expect(batches.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => JSON.parse(b) as string[][]).map((r) => r[0])).toEqual(
      rows.map((r) => (JSON.parse(r) as string[])[0]),
    );
  });

  it('cuts before a batch would pass the byte cap, and never leaves a row out for being large', () => {
    const batches = rowBatches(rows, 1000, 350);
    for (const b of batches) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(350);
    expect(batches.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([3, 3, 3, 1]);
    const huge = JSON.stringify(['big', 'y'.repeat(1000)]);
    expect(rowBatches([huge], 10, 350)).toEqual([`[${huge}]`]);
  });

  it('inserts with a single bind flattened server-side', () => {
    const sql = insertSql('DB.S.T');
    expect(sql.match(/\?/g)).toHaveLength(1);
    expect(sql).toContain('FLATTEN(INPUT => PARSE_JSON(?))');
    expect(sql).toContain('TO_TIMESTAMP_NTZ(r.value[5]::VARCHAR)');
  });
});
