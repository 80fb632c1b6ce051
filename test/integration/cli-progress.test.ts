import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/client/workflow-id';
import { generateEvents } from '../../src/demo/generate';
import { runSluice } from '../helpers/cli';
import { sinkCounts, tempDir, uniq, upload, useWorker, writeLines } from '../helpers/ingest';

const ERASE_TO_END = '\u001b[K';
const bin = path.resolve(__dirname, '..', '..', 'bin', 'sluice.js');
const RECORDS = 4000;
// Small chunks and a fast poll, so a few seconds of ingest show several progress lines.
const env = {
  SLUICE_CHUNK_TARGET_BYTES: '64KiB',
  SLUICE_PROGRESS_INTERVAL: '200ms',
  SLUICE_PROGRESS_PLAIN_INTERVAL: '0s',
};
const w = useWorker();

/** The CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal runs it; all output merged. */
function onTerminal(args: string[]): Promise<{ code: number; out: string }> {
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) =>
    execFile(
      'script',
      ['-q', '-e', '-c', `stty cols 200; ${quoted}`, '/dev/null'],
      { env: { ...process.env, ...env, SLUICE_TASK_QUEUE: w.taskQueue }, timeout: 240_000 },
      (error, out) =>
        // The terminal turns each newline into CR LF; only a bare CR is a line rewritten in place.
        resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out: out.replace(/\r\n/g, '\n') }),
    ),
  );
}
const plain = (args: string[]) => runSluice(args, { ...env, SLUICE_TASK_QUEUE: w.taskQueue });

async function demoFile(seed: number): Promise<string> {
  return writeLines(path.join(await tempDir(), 'conn.ndjson'), generateEvents('zeek', RECORDS, seed));
}

const PROGRESS = /^chunks \d+\/(\d+)( \(\d+ in flight\))? · records [\d,]+\/4,000 \(\d+%\)/;
const FINAL = /^completed: 4,000 of 4,000 records landed, (\d+) chunks in \d+s$/;

describe('progress of long work on a terminal and in a log', () => {
  it('ingest --wait: a live line rewritten in place on a terminal, plain lines on stderr elsewhere', async () => {
    const [ttyTenant, logTenant] = [uniq('prog-tty'), uniq('prog-log')];
    const [ttyFile, logFile] = [await demoFile(11), await demoFile(12)];
    const ingest = (tenant: string, file: string) => [
      'ingest',
      file,
      '--tenant',
      tenant,
      '--log-type',
      'zeek',
      '--wait',
    ];
    const [tty, log] = await Promise.all([onTerminal(ingest(ttyTenant, ttyFile)), plain(ingest(logTenant, logFile))]);

    expect(tty.code).toBe(0);
    // Everything up to the summary is one terminal line, redrawn: CR, the line, erase to its end.
    const live = tty.out.slice(0, tty.out.indexOf('\n'));
    const frames = live
      .split('\r')
      .filter(Boolean)
      .map((f) => f.replace(ERASE_TO_END, ''));
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatch(FINAL);
    for (const f of frames.slice(0, -1)) expect(f).toMatch(/^(starting|splitting|chunks \d+)/);
    expect(frames.some((f) => PROGRESS.test(f))).toBe(true);
    expect(tty.out.slice(live.length + 1)).toMatch(/^ingest\/prog-tty-.*\[COMPLETED\]\n {2}source/);

    expect(log.code).toBe(0);
    expect(log.err).not.toContain('\r');
    expect(log.err).not.toContain(ERASE_TO_END);
    const lines = log.err.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(FINAL);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(starting|splitting|chunks \d+)/);
    // stdout holds only the summary, for whatever a script pipes it into.
    expect(log.out).toMatch(/^ingest\/prog-log-.*\[COMPLETED\]\n {2}source/);
    expect(log.out).toMatch(/written {7}s3 4000, snowflake 4000, opensearch 4000/);
    expect(await sinkCounts(logTenant)).toEqual({
      s3: RECORDS,
      s3Distinct: RECORDS,
      opensearch: RECORDS,
      snowflake: { rows: RECORDS, distinct: RECORDS },
    });
  });

  it('status --watch follows a running file to its end, in place on a terminal and as plain lines elsewhere', async () => {
    const tenant = uniq('prog-watch');
    const ref = await upload(await demoFile(13), tenant, 'zeek');
    const id = workflowIdFor(ref);
    const started = await plain(['ingest', `s3://${ref.bucket}/${ref.key}`, '--tenant', tenant, '--log-type', 'zeek']);
    expect(started.code).toBe(0);
    const [tty, log] = await Promise.all([onTerminal(['status', id, '--watch']), plain(['status', id, '--watch'])]);

    expect(tty.code).toBe(0);
    const live = tty.out.slice(0, tty.out.indexOf('\n'));
    expect(live.startsWith('\r')).toBe(true);
    expect(live.split('\r').filter(Boolean).at(-1)?.replace(ERASE_TO_END, '')).toMatch(FINAL);
    expect(tty.out.slice(live.length + 1)).toContain(`${id}  [COMPLETED]`);

    expect(log.code).toBe(0);
    expect(log.out).not.toContain('\r');
    const lines = log.out.split('\n');
    const end = lines.findIndex((l) => FINAL.test(l));
    expect(end).toBeGreaterThanOrEqual(0);
    for (const l of lines.slice(0, end)) expect(l).toMatch(/^(starting|splitting|chunks \d+)/);
    expect(lines[end + 1]).toBe(`${id}  [COMPLETED]`);

    expect(await plain(['status', id, '--watch', '--json'])).toMatchObject({
      code: 2,
      err: 'sluice status: --watch draws a progress line; use --json without it\n',
    });
  });
});
