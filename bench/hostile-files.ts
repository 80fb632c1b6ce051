/**
 * One-off measurement for hostile files (issue 10): a `sluice worker` with today's heap limit ingests a file of
 * 1 million tiny records and a file of 100 million blank lines, each through the whole pipeline; prints each
 * worker's peak RSS (launcher included) and the time taken. Run after `npm run build` with the stack up:
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/hostile-files.js [--records N] [--blank N]
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startWorkerChild } from './worker-child';

const MiB = 1024 * 1024;

async function writeRepeated(file: string, piece: Buffer, times: number): Promise<number> {
  const out = createWriteStream(file);
  for (let i = 0; i < times; i++) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return piece.length * times;
}

function sluice(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [path.join(repoRoot(), 'bin', 'sluice.js'), ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * MiB },
      (error, out, err) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
    ),
  );
}

async function measure(name: string, file: string, bytes: number): Promise<string> {
  const taskQueue = `bench-hostile-${Date.now().toString(36)}`;
  const dir = path.join(repoRoot(), 'bench-results');
  const worker = await startWorkerChild(taskQueue, path.join(dir, `hostile-${name}.log`));
  const load = loadavg()[0]?.toFixed(1);
  const started = Date.now();
  const tenant = `hostile-${Date.now().toString(36)}`;
  const r = await Promise.race([
    sluice(['ingest', file, '--tenant', tenant, '--log-type', 'json', '--wait', '--json'], {
      SLUICE_TASK_QUEUE: taskQueue,
    }),
    worker.crashed,
  ]);
  const seconds = (Date.now() - started) / 1000;
  const mem = await worker.stop();
  const [status] = JSON.parse(r.out || '[]') as { execution: string; progress?: Record<string, unknown> }[];
  const p = status?.progress ?? {};
  return `| ${name} | ${(bytes / MiB).toFixed(1)} MiB | ${p.records} records, ${p.blank ?? 0} blank | ${status?.execution} ${p.status} | ${seconds.toFixed(0)} s | ${(mem.peakRssBytes / MiB).toFixed(0)} MiB (idle ${(worker.idleRssBytes / MiB).toFixed(0)} MiB) | ${load} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '1000000' }, blank: { type: 'string', default: '100000000' } },
  });
  const dir = path.join(repoRoot(), 'bench-results', 'hostile');
  mkdirSync(dir, { recursive: true });
  const tiny = path.join(dir, 'tiny.ndjson');
  const blank = path.join(dir, 'blank.ndjson');
  const tinyBytes = await writeRepeated(tiny, Buffer.from('{"a":1}\n'), Number(values.records));
  const blankBytes = await writeRepeated(blank, Buffer.alloc(1_000_000, 0x0a), Number(values.blank) / 1_000_000);
  const rows = [
    '| file | size | found | ended | upload → all sinks | worker peak RSS | load avg (1 min) at start |',
    '|---|---|---|---|---|---|---|',
    await measure('tiny records', tiny, tinyBytes),
    await measure('blank lines', blank, blankBytes),
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
