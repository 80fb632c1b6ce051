/**
 * Runs fn(0..n-1) with at most `limit` in flight: a sliding window, so one slow chunk never idles the
 * others. Deterministic (plain promises), safe in workflow code. The first failure is rethrown and no new
 * item starts after it.
 */
export async function forEachWindowed(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  // Failures are recorded, not only raced: when two items settle in the same tick, the race reports one of
  // them, and a failure must never be the one that goes unseen.
  let failure: { error: unknown } | undefined;
  const rethrow = () => {
    if (failure) throw failure.error;
  };
  let next = 0;
  while ((next < n && !failure) || inFlight.size > 0) {
    while (next < n && inFlight.size < limit && !failure) {
      const p: Promise<void> = fn(next++)
        .then(undefined, (error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    rethrow();
    await Promise.race(inFlight);
    rethrow();
  }
}
