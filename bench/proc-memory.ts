import { readdirSync, readFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in KiB (VmHWM, VmRSS), undefined once the process is gone. */
function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (children of every thread, recursively). */
export function processTree(root: number): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const pid = tree[i] as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/)) {
          if (child) tree.push(Number(child));
        }
      } catch {
        // The thread ended between listing and reading.
      }
    }
  }
  return tree;
}

/**
 * Tracks the peak resident memory of a process tree. The kernel keeps each process's own peak (VmHWM), so
 * sampling only has to catch children that may exit before the end; a child's peak is added to its parent's
 * (an upper bound: their peaks need not coincide).
 */
export class PeakMemory {
  private readonly peaks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly root: number) {}

  start(intervalMs = 500): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    for (const pid of processTree(this.root)) {
      const hwm = statusKiB(pid, 'VmHWM');
      if (hwm !== undefined) this.peaks.set(pid, Math.max(hwm, this.peaks.get(pid) ?? 0));
    }
  }

  /** Resident memory of the tree right now, in bytes. */
  currentBytes(): number {
    return processTree(this.root).reduce((sum, pid) => sum + (statusKiB(pid, 'VmRSS') ?? 0) * 1024, 0);
  }

  stop(): { peakBytes: number; processes: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    let kib = 0;
    for (const v of this.peaks.values()) kib += v;
    return { peakBytes: kib * 1024, processes: this.peaks.size };
  }
}
