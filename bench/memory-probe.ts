import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Preloaded into the worker process the bench starts (NODE_OPTIONS=--require), so its peak memory can be told
 * apart: the main thread's V8 heap (activities), memory outside it (Buffers, zlib), and the rest (Temporal's
 * native core, the workflow threads' own heaps, code, allocator slack). Writes the sample taken at the highest
 * RSS so far, and the highest heap and external seen, to `<SLUICE_BENCH_MEMORY_PROBE>.<pid>.json`: one file per
 * process, as `sluice worker` may run the worker as a child of a small launcher (to set its heap limit), and
 * both load this. Preloads also run in worker threads; only the main thread samples (RSS is the process's).
 */
const prefix = process.env.SLUICE_BENCH_MEMORY_PROBE;
if (prefix && isMainThread) {
  const file = `${prefix}.${process.pid}.json`;
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const atPeak = { ...peak };
  const sample = () => {
    const m = process.memoryUsage();
    let changed = false;
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) {
      if (m[k] > peak[k]) {
        peak[k] = m[k];
        changed = true;
      }
    }
    if (m.rss >= peak.rss) Object.assign(atPeak, { ...m });
    if (changed) writeFileSync(file, JSON.stringify({ ...atPeak, peak }));
  };
  sample();
  setInterval(sample, 250).unref();
}
