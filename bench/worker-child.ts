import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PeakMemory } from './proc-memory';

/** The repository this bench belongs to: the nearest directory up from here holding bin/sluice.js. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'sluice.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bin/sluice.js not found above ${from}`);
  }
}

/** The worker's memory by kind (bytes) as its main thread sees it: heap and external are that thread's. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** At the highest RSS sampled, plus each kind's own highest value. */
export interface MemoryAtPeak extends MemoryUsage {
  peak: MemoryUsage;
}

export interface WorkerMemory {
  peakRssBytes: number;
  processes: number;
  atPeak?: MemoryAtPeak;
}

export interface WorkerChild {
  pid: number;
  /** Resident memory once the worker polls, before any work. */
  idleRssBytes: number;
  /** Rejects if the worker exits before stop(): race it against anything that waits on the worker. */
  crashed: Promise<never>;
  /** Stops the worker (SIGTERM, the graceful path) and returns its tree's peak resident memory; idempotent. */
  stop(): Promise<WorkerMemory>;
}

const PROBE = path.join(__dirname, 'memory-probe.js');
const READY_LINE = '"msg":"worker started"';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 45_000;

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * `node bin/sluice.js worker` on its own task queue, exactly as an operator runs it (compiled dist/), so its
 * memory is the worker's alone, not the bench's. Its logs go to `logFile`.
 */
export async function startWorkerChild(taskQueue: string, logFile: string): Promise<WorkerChild> {
  const root = repoRoot();
  const probeFile = `${logFile}.memory`;
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [path.join(root, 'bin', 'sluice.js'), 'worker'], {
    cwd: root,
    env: {
      ...process.env,
      SLUICE_TASK_QUEUE: taskQueue,
      SLUICE_LOG_LEVEL: 'info',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(PROBE)}`.trim(),
      SLUICE_BENCH_MEMORY_PROBE: probeFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start `sluice worker`');
  // However the bench ends, it leaves no worker behind polling its queue (SIGTERM: the worker's graceful path).
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  child.stdout?.pipe(log, { end: false });
  const memory = new PeakMemory(pid);
  memory.start();

  await new Promise<void>((resolve, reject) => {
    let startup = '';
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`worker exited during start-up (${signal ?? `code ${code}`})`));
    const timer = setTimeout(
      () => fail(new Error(`worker did not start within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    function fail(err: Error) {
      clearTimeout(timer);
      memory.stop();
      child.kill('SIGKILL');
      reject(new Error(`${err.message}; its output:\n${lastLines(startup)}`));
    }
    const onStartupLog = (data: Buffer) => {
      log.write(data);
      startup += data.toString('utf8');
      if (!startup.includes(READY_LINE)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stderr?.off('data', onStartupLog);
      resolve();
    };
    child.stderr?.on('data', onStartupLog);
    child.once('exit', onExit);
  });
  child.stderr?.pipe(log, { end: false });

  // A worker that dies mid-run would leave the bench waiting for workflows nobody works on.
  let stopping = false;
  let stopped: Promise<WorkerMemory> | undefined;
  const crashed = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      if (!stopping)
        reject(
          new Error(`worker exited unexpectedly (${signal ?? `code ${code}`}); its log ${logFile}:\n${tail(logFile)}`),
        );
    }),
  );
  crashed.catch(() => undefined);

  return {
    pid,
    idleRssBytes: await idleRss(memory),
    crashed,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        // The peak is read while the process still exists: /proc forgets it on exit.
        const peak = memory.stop();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
        log.end();
        return { peakRssBytes: peak.peakBytes, processes: peak.processes, atPeak: readProbe(probeFile) };
      })();
      return stopped;
    },
  };
}

/** The lowest of a few samples over a second: just after start-up, RSS still holds start-up garbage. */
async function idleRss(memory: PeakMemory): Promise<number> {
  let lowest = memory.currentBytes();
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 250));
    lowest = Math.min(lowest, memory.currentBytes());
  }
  return lowest;
}

/** The probe's sample of the process with the highest RSS in the tree: the worker, not its launcher. */
function readProbe(prefix: string): MemoryAtPeak | undefined {
  const dir = path.dirname(prefix);
  const samples = readdirSync(dir)
    .filter((name) => name.startsWith(`${path.basename(prefix)}.`) && name.endsWith('.json'))
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as MemoryAtPeak];
      } catch {
        return [];
      }
    });
  return samples.sort((a, b) => b.rss - a.rss)[0];
}

const lastLines = (text: string, lines = 20) => text.split('\n').slice(-lines).join('\n');

function tail(file: string): string {
  try {
    return lastLines(readFileSync(file, 'utf8'));
  } catch {
    return '(no log)';
  }
}
