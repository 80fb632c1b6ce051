import { spawn } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { loadConfig } from '../config/load';

const MARKER = 'SLUICE_WORKER_HEAP_SET';
const MiB = 1024 * 1024;

/**
 * A worker's memory follows chunk size × activities in flight, but V8 sizes its heap to the machine (GiBs here)
 * and, with that much room, collects garbage late: peak RSS then tracks allocation, not what is live. A heap
 * limit makes it collect in time. Node reads the limit only at start, so when this process's limit is not the
 * one asked for, the worker runs as a child with it. The child lives and dies with this process: signals are
 * passed on (SIGTERM's graceful shutdown), and if this process is killed outright the child kills itself too, so
 * a `kill -9` of the worker is still a kill -9 of the worker.
 * Returns the child's exit code, or undefined when this process is to be the worker. Loaded by bin/sluice.js
 * before anything heavy, so the launcher stays small.
 */
export async function runWithHeapLimit(): Promise<number | undefined> {
  let limitBytes: number;
  try {
    limitBytes = loadConfig().worker.heapLimit;
  } catch {
    return undefined; // the worker itself reports the configuration problem
  }
  if (process.env[MARKER]) {
    watchParent(Number(process.env[MARKER]));
    return undefined;
  }
  const limitMiB = Math.round(limitBytes / MiB);
  const current = getHeapStatistics().heap_size_limit / MiB;
  if (limitBytes === 0 || Math.abs(current - limitMiB) / limitMiB < 0.25) return undefined;
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${limitMiB}`, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [MARKER]: String(process.pid) } },
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 143))),
  );
}

function watchParent(parent: number): void {
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 500).unref();
}
