/**
 * Runs fn(0..n-1) with at most `limit` in flight: a sliding window, so one slow chunk never idles the
 * others. Deterministic (plain promises), safe in workflow code. The first failure is rethrown.
 */
export async function forEachWindowed(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  while (next < n || inFlight.size > 0) {
    while (next < n && inFlight.size < limit) {
      const p: Promise<void> = fn(next++).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.race(inFlight);
  }
}
