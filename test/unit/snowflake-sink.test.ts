import { describe, expect, it } from 'vitest';
import { PermanentSinkError, SystemicSinkError } from '../../src/activities/sinks/sink';
import { classifySnowflakeError } from '../../src/activities/sinks/snowflake/errors';
import { insertSql, rowBatches } from '../../src/activities/sinks/snowflake/sink';
import { ThrottledError } from '../../src/activities/sinks/throttle';

describe('snowflake row batches', () => {
  const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify([`r${i}`, 'x'.repeat(100)]));

  it('keeps every row once, in order, as JSON arrays under the row cap', () => {
    const batches = [...rowBatches(rows, 4)];
    expect(batches.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => JSON.parse(b) as string[][]).map((r) => r[0])).toEqual(
      rows.map((r) => (JSON.parse(r) as string[])[0]),
    );
  });

  it('cuts before a batch would pass the byte cap, and never leaves a row out for being large', () => {
    const batches = [...rowBatches(rows, 1000, 350)];
    for (const b of batches) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(350);
    expect(batches.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([3, 3, 3, 1]);
    const huge = JSON.stringify(['big', 'y'.repeat(1000)]);
    expect([...rowBatches([huge], 10, 350)]).toEqual([`[${huge}]`]);
  });

  it('inserts with a single bind flattened server-side', () => {
    const sql = insertSql('DB.S.T');
    expect(sql.match(/\?/g)).toHaveLength(1);
    expect(sql).toContain('FLATTEN(INPUT => PARSE_JSON(?))');
    expect(sql).toContain('TO_TIMESTAMP_NTZ(r.value[5]::VARCHAR)');
  });
});

describe('snowflake error classes', () => {
  const sdkError = (message: string, code?: string, sqlState?: string) =>
    Object.assign(new Error(message), { code, sqlState });

  it('throttling is retried, slowly: Throttled, not permanent', () => {
    for (const e of [
      sdkError('Request failed with status code 429'),
      sdkError('Statement reached its statement or warehouse timeout of 60 second(s)', '000630', '57014'),
      sdkError('Statement was queued for too long', '000625'),
    ]) {
      const err = classifySnowflakeError(e, 'writing');
      expect(err).toBeInstanceOf(ThrottledError);
      expect((err as Error).name).toBe('Throttled');
    }
  });

  it("compilation and access errors are systemic, data errors the record's; a dropped connection is plainly retried", () => {
    expect(classifySnowflakeError(sdkError('SQL compilation error: x', '001003', '42000'), 'w')).toMatchObject({
      name: 'SystemicSinkError',
      type: 'SystemicRefusal',
      reason: 'SQL state 42000',
    });
    expect(classifySnowflakeError(sdkError('Incorrect username or password was specified.'), 'w')).toBeInstanceOf(
      SystemicSinkError,
    );
    expect(
      classifySnowflakeError(sdkError("Timestamp 'not a time' is not recognized", '100035', '22007'), 'w'),
    ).toMatchObject({ name: 'PermanentSinkError', type: 'SnowflakeRejected' });
    const transient = classifySnowflakeError(sdkError('socket hang up', 'ECONNRESET'), 'w') as Error;
    expect(transient).not.toBeInstanceOf(PermanentSinkError);
    expect(transient).not.toBeInstanceOf(ThrottledError);
    expect(transient.message).toBe('snowflake: w: socket hang up (code ECONNRESET)');
  });
});
