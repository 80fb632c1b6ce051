import { describe, expect, it } from 'vitest';
import { forEachWindowed } from '../../src/workflows/windowed';

describe('forEachWindowed', () => {
  it('never has more than the limit in flight, refills as soon as one finishes, and runs every index once', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachWindowed(20, 3, async (i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      // Uneven durations: a slow item must not hold the others back.
      await new Promise((r) => setTimeout(r, i % 4 === 0 ? 30 : 2));
      inFlight -= 1;
      done.push(i);
    });
    expect(peak).toBe(3);
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(done.indexOf(1)).toBeLessThan(done.indexOf(0));
  });

  it('rethrows the first failure', async () => {
    await expect(
      forEachWindowed(5, 2, async (i) => {
        if (i === 3) throw new Error('chunk 3 failed');
      }),
    ).rejects.toThrow('chunk 3 failed');
  });

  it('does nothing for zero items', async () => {
    let calls = 0;
    await forEachWindowed(0, 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });

  it('starts nothing new once asked to stop, lets those in flight finish, and says how many ran', async () => {
    const done: number[] = [];
    let stop = false;
    const ran = await forEachWindowed(
      50,
      3,
      async (i) => {
        if (i === 7) stop = true;
        await new Promise((r) => setTimeout(r, 1));
        done.push(i);
      },
      () => stop,
    );
    expect(ran).toBe(8);
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => i));
  });
});
