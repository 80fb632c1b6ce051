/**
 * Runs `fn` at most once at a time and remembers its success; a failure is forgotten, so the next call tries
 * again (a migration that hit a network blip must not poison the sink for the life of the process).
 */
export function onceUntilFailure(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn().catch((e: unknown) => {
      done = undefined;
      throw e;
    });
    return done;
  };
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
