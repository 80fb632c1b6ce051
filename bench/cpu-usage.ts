import { readFileSync } from 'node:fs';
import { processTree } from './proc-memory';

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** utime + stime of one process, in ticks; 0 once it is gone. */
function processTicks(pid: number): number {
  try {
    // The command name may hold spaces and parentheses: fields are counted from after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const treeTicks = (pid: number) => processTree(pid).reduce((sum, p) => sum + processTicks(p), 0);

/** Ticks the whole machine spent not idle (user, nice, system, irq, softirq, steal). */
function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq, steal] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return [user, nice, system, irq, softirq, steal].reduce((a: number, b) => a + (b ?? 0), 0);
}

/** CPU seconds spent during a measured span, by process, and by everything else on the machine. */
export interface CpuUsage {
  wallMs: number;
  /** CPU seconds of each named process tree (the worker, each stack service, the bench itself). */
  seconds: Record<string, number>;
  /** CPU seconds of everything else: other users of the machine (other tests, builds), the kernel's own work. */
  otherSeconds: number;
  /** Machine-wide CPU seconds not idle. */
  busySeconds: number;
}

/**
 * Where the cores went while a file was ingested. On a small machine every service of the stack competes with
 * the worker, so a stage's throughput says as much about its neighbours as about itself; and on a shared
 * machine "other" shows how much of the run someone else had.
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private selfStart = process.cpuUsage();
  private busyStart = 0;
  private startedAt = 0;

  /** `trees`: named processes, each counted with its descendants; the measuring process is added as "bench". */
  constructor(private readonly trees: Record<string, number>) {}

  begin(): void {
    for (const [name, pid] of Object.entries(this.trees)) this.start.set(name, treeTicks(pid));
    // Its own time only: the bench's process tree holds the worker it started.
    this.selfStart = process.cpuUsage();
    this.busyStart = machineBusyTicks();
    this.startedAt = Date.now();
  }

  end(): CpuUsage {
    const seconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.trees)) {
      seconds[name] = (treeTicks(pid) - (this.start.get(name) ?? 0)) / TICKS_PER_SECOND;
    }
    const self = process.cpuUsage(this.selfStart);
    seconds.bench = (self.user + self.system) / 1e6;
    const busySeconds = (machineBusyTicks() - this.busyStart) / TICKS_PER_SECOND;
    const ours = Object.values(seconds).reduce((a, b) => a + b, 0);
    return { wallMs: Date.now() - this.startedAt, seconds, otherSeconds: Math.max(0, busySeconds - ours), busySeconds };
  }
}
