import type { SluiceConfig } from '../config/load';
import { redactUrlCredentials } from '../config/redact-value';
import { portOpen, runningPid, type StartSpec, sleep, start, stop, tailFile } from './process';
import { type Progress, processOf, SERVICES, type Service, type ServiceName, serviceByName } from './services';

export interface ServiceStatus {
  name: ServiceName;
  /** ours: started by this stack; external: something healthy answers that we did not start; stopped. */
  state: 'running' | 'external' | 'stopped';
  pid?: number;
  healthy: boolean;
  detail?: string;
  endpoint: string;
  log: string;
}

export class StackError extends Error {
  override name = 'StackError';
}

/**
 * Brings every service up and waits until each is healthy. Idempotent: a running service is left alone, and a
 * healthy one we did not start (e.g. the docker-compose stack on the same ports) is used as it is.
 */
export async function stackUp(cfg: SluiceConfig, progress: Progress): Promise<ServiceStatus[]> {
  // Install everything first: a missing prerequisite is reported before anything is started.
  const specs = new Map<ServiceName, Awaited<ReturnType<Service['prepare']>>>();
  for (const svc of SERVICES) {
    const proc = processOf(cfg, svc.name);
    if (runningPid(proc) !== undefined) continue;
    if ((await svc.check(cfg)) === undefined) continue;
    specs.set(svc.name, await svc.prepare(cfg, progress));
  }
  for (const svc of SERVICES) {
    const spec = specs.get(svc.name);
    if (spec) await launch(cfg, svc, spec, progress);
  }
  await Promise.all(SERVICES.map((svc) => waitHealthy(cfg, svc, progress)));
  for (const svc of SERVICES) await svc.afterStart?.(cfg);
  return stackStatus(cfg);
}

/** Starts a service's process, refusing when a stranger holds one of its ports (it would fail obscurely). */
async function launch(cfg: SluiceConfig, svc: Service, spec: StartSpec, progress: Progress): Promise<void> {
  const busy = [];
  for (const port of svc.ports(cfg)) if (await portOpen(port)) busy.push(port);
  if (busy.length) {
    throw new StackError(
      `${svc.name}: port ${busy.join(', ')} is in use by a process this stack did not start, and it does not answer as a healthy ${svc.name}. ` +
        `Stop it, or choose other ports (see \`sluice config\`).`,
    );
  }
  const pid = start(processOf(cfg, svc.name), spec);
  progress(`${svc.name}: started (pid ${pid})`);
}

/**
 * Starts one service and waits until it is healthy, as `up` does for all of them; a running one is left alone.
 * It reopens its state dir, so what it held before a stop (histories, objects, indices, tables) is there again.
 */
export async function startService(cfg: SluiceConfig, name: string, progress: Progress): Promise<ServiceStatus> {
  const svc = serviceByName(name);
  const ours = runningPid(processOf(cfg, svc.name)) !== undefined;
  if (!ours && (await svc.check(cfg)) !== undefined) await launch(cfg, svc, await svc.prepare(cfg, progress), progress);
  await waitHealthy(cfg, svc, progress);
  await svc.afterStart?.(cfg);
  return serviceStatus(cfg, svc);
}

/** What `stopService` found: it stopped the service, nothing of ours ran, or it runs but is not ours to stop. */
export type StopOutcome = 'stopped' | 'not running' | 'not started by this stack';

/**
 * Stops one service this stack started, leaving the others and its state dir alone: the way to take a provider
 * away for a while (an outage drill, the chaos suite) and give it back with `startService`.
 */
export async function stopService(cfg: SluiceConfig, name: string, progress: Progress): Promise<StopOutcome> {
  const svc = serviceByName(name);
  if (await stop(processOf(cfg, svc.name))) {
    progress(`${svc.name}: stopped`);
    return 'stopped';
  }
  return (await svc.check(cfg)) === undefined ? 'not started by this stack' : 'not running';
}

async function waitHealthy(cfg: SluiceConfig, svc: Service, progress: Progress): Promise<void> {
  const proc = processOf(cfg, svc.name);
  const deadline = Date.now() + cfg.stack.startTimeout;
  let last: string | undefined = 'not checked';
  while (Date.now() < deadline) {
    last = await svc.check(cfg);
    if (last === undefined) {
      progress(`${svc.name}: healthy at ${redactUrlCredentials(svc.endpoint(cfg))}`);
      return;
    }
    const started = runningPid(proc);
    if (started === undefined && (await svc.check(cfg)) !== undefined) {
      throw new StackError(
        `${svc.name} exited during start-up; last lines of its log ${proc.logFile}:\n${tailFile(proc.logFile, 30)}`,
      );
    }
    await sleep(1000);
  }
  throw new StackError(
    `${svc.name} did not become healthy within ${Math.round(cfg.stack.startTimeout / 1000)}s (${last}); ` +
      `last lines of its log ${proc.logFile}:\n${tailFile(proc.logFile, 30)}`,
  );
}

/** Stops only the processes this stack started (tracked by pid file and marker); returns the names stopped. */
export async function stackDown(cfg: SluiceConfig, progress: Progress): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  // Reverse start order; all at once would be faster, but Temporal's SQLite flush should not race the others.
  for (const svc of [...SERVICES].reverse()) {
    if (await stop(processOf(cfg, svc.name))) {
      stopped.push(svc.name);
      progress(`${svc.name}: stopped`);
    }
  }
  return stopped;
}

export async function stackStatus(cfg: SluiceConfig): Promise<ServiceStatus[]> {
  return Promise.all(SERVICES.map((svc) => serviceStatus(cfg, svc)));
}

async function serviceStatus(cfg: SluiceConfig, svc: Service): Promise<ServiceStatus> {
  const proc = processOf(cfg, svc.name);
  const pid = runningPid(proc);
  const problem = await svc.check(cfg);
  const state = pid !== undefined ? 'running' : problem === undefined ? 'external' : 'stopped';
  return {
    name: svc.name,
    state,
    pid,
    healthy: problem === undefined,
    // A URL may carry credentials (https://user:pass@…); status output is pasted into tickets.
    detail: problem === undefined ? undefined : redactUrlCredentials(problem),
    endpoint: redactUrlCredentials(svc.endpoint(cfg)),
    log: proc.logFile,
  };
}

export function stackLogs(cfg: SluiceConfig, service: string | undefined, lines: number): string {
  const names = service ? [serviceByName(service).name] : SERVICES.map((s) => s.name);
  return names
    .map((n) => {
      const { logFile } = processOf(cfg, n);
      return `==> ${n} (${logFile}) <==\n${tailFile(logFile, lines)}`;
    })
    .join('\n');
}

export function formatStatus(rows: ServiceStatus[]): string {
  return rows
    .map((r) => {
      const state =
        r.state === 'running'
          ? `running (pid ${r.pid})`
          : r.state === 'external'
            ? 'running (not started by this stack)'
            : 'stopped';
      const health = r.healthy ? 'healthy' : `unhealthy: ${r.detail}`;
      return `${r.name.padEnd(11)} ${state.padEnd(36)} ${health.padEnd(10)} ${r.endpoint}`;
    })
    .join('\n');
}
