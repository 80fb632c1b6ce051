import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A long-running service process the stack owns: started detached, tracked by a pid file, logged to a file. */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
}

export interface StartSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(p: ManagedProcess): number | undefined {
  if (!existsSync(p.pidFile)) return undefined;
  const pid = Number(readFileSync(p.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid of our process if it is still running; a stale pid file (after a reboot or a crash) reads as none. */
export function runningPid(p: ManagedProcess): number | undefined {
  const pid = readPid(p);
  if (pid === undefined) return undefined;
  if (isAlive(pid) && isOurs(pid, p.name)) return pid;
  rmSync(p.pidFile, { force: true });
  return undefined;
}

/** Every process the stack starts carries SLUICE_STACK_SERVICE=<name>; `down` kills nothing without it. */
function isOurs(pid: number, name: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SLUICE_STACK_SERVICE=${name}`);
  } catch {
    return false;
  }
}

export function start(p: ManagedProcess, spec: StartSpec): number {
  mkdirSync(path.dirname(p.logFile), { recursive: true });
  mkdirSync(path.dirname(p.pidFile), { recursive: true });
  const fd = openSync(p.logFile, 'a');
  writeFileSync(fd, `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
  // Detached: its own process group, so `down` can stop the service and any children it forked, and the
  // service outlives the CLI that started it. The marker variable lets `down` recognise its own processes.
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: spec.cwd,
    // The pid file names the stack (its state dir): two stacks on one machine can tell their processes apart.
    env: { ...process.env, ...spec.env, SLUICE_STACK_SERVICE: p.name, SLUICE_STACK_PID_FILE: p.pidFile },
    uid: spec.uid,
    gid: spec.gid,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${p.name}: could not start ${spec.command}`);
  child.unref();
  writeFileSync(p.pidFile, String(child.pid));
  return child.pid;
}

/** SIGTERM the process group, wait for it to go, then SIGKILL what is left. */
export async function stop(p: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(p);
  if (pid === undefined) {
    rmSync(p.pidFile, { force: true });
    return false;
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(200);
  if (isAlive(pid)) signalGroup('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  rmSync(p.pidFile, { force: true });
  return true;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export async function httpOk(url: string, timeoutMs = 2000): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return `(no log yet at ${file})`;
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}
