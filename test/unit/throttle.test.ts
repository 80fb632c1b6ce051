import { describe, expect, it } from 'vitest';
import { AdaptiveThrottle } from '../../src/activities/sinks/throttle';

describe('AdaptiveThrottle', () => {
  it('halves requests in flight and doubles its pause on each push-back, down to one and up to the cap', () => {
    const t = new AdaptiveThrottle({ name: 'x', maxConcurrent: 8, minPauseMs: 100, maxPauseMs: 300 });
    t.throttled('429');
    expect(t.state).toEqual({ limit: 4, pauseMs: 100, throttledTotal: 1 });
    t.throttled('429');
    t.throttled('429');
    t.throttled('429');
    expect(t.state).toEqual({ limit: 1, pauseMs: 300, throttledTotal: 4 });
  });

  it('raises the limit by one per window of healthy answers, never above the maximum', () => {
    const t = new AdaptiveThrottle({ name: 'x', maxConcurrent: 3 });
    t.throttled('429');
    expect(t.state.limit).toBe(1);
    t.succeeded();
    expect(t.state).toMatchObject({ limit: 2, pauseMs: 0 });
    t.succeeded();
    expect(t.state.limit).toBe(2);
    t.succeeded();
    expect(t.state.limit).toBe(3);
    for (let i = 0; i < 10; i++) t.succeeded();
    expect(t.state.limit).toBe(3);
  });

  it('never lets more requests run than the current limit, and runs them all', async () => {
    const t = new AdaptiveThrottle({ name: 'x', maxConcurrent: 4, minPauseMs: 1 });
    t.throttled('429'); // limit 2
    let active = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 15));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('waits out the pause before the next request', async () => {
    let now = 1000;
    const t = new AdaptiveThrottle({ name: 'x', maxConcurrent: 2, minPauseMs: 40, now: () => now });
    t.throttled('429');
    const started = Date.now();
    const run = t.run(async () => 'ok');
    await new Promise((r) => setTimeout(r, 10));
    now += 40; // the pause ends
    expect(await run).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
  });
});
