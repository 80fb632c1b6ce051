/**
 * Runs fn(0..n-1) with at most `limit` in flight: a sliding window, so one slow chunk never idles the
 * others. Deterministic (plain promises), safe in workflow code. The first failure is rethrown and no new
 * item starts after it. Once `stop()` says so no new item starts either; those in flight finish. Returns how
 * many items ran (0..n-1 below that number all finished).
 */
export async function forEachWindowed(
  n: number,
  limit: number,
  fn: (i: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  // Failures are recorded, not only raced: when two items settle in the same tick, the race reports one of
  // them, and a failure must never be the one that goes unseen.
  let failure: { error: unknown } | undefined;
  const rethrow = () => {
    if (failure) throw failure.error;
  };
  let next = 0;
  const more = () => next < n && !failure && !stop();
  while (more() || inFlight.size > 0) {
    while (inFlight.size < limit && more()) {
      const p: Promise<void> = fn(next++)
        .then(undefined, (error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    rethrow();
    if (inFlight.size) await Promise.race(inFlight);
    rethrow();
  }
  rethrow();
  return next;
}
