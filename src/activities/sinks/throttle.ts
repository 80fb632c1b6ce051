import type { ErrorType } from '../../contracts/errors';
import type { Logger } from '../../shared/log';

export interface ThrottleOptions {
  /** Shown in logs: which provider pushed back. */
  name: string;
  /** Requests in flight when the provider is healthy (per process). */
  maxConcurrent: number;
  /** First pause after a push-back; doubles while push-backs continue. */
  minPauseMs?: number;
  maxPauseMs?: number;
  log?: Logger;
  now?: () => number;
}

export interface ThrottleState {
  limit: number;
  pauseMs: number;
  throttledTotal: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Paces requests to one provider by what it says: when it pushes back (HTTP 429, a circuit breaker, a queue
 * that is full) every writer in the process pauses, and the number of requests in flight halves; healthy
 * answers raise it again one at a time (AIMD, as TCP does). A backlog then drains at the pace the provider
 * can take instead of being retried at it in a storm.
 */
export class AdaptiveThrottle {
  private limit: number;
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private pauseUntil = 0;
  private pauseMs = 0;
  private successes = 0;
  private throttledTotal = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ThrottleOptions) {
    this.limit = opts.maxConcurrent;
    this.now = opts.now ?? Date.now;
  }

  get state(): ThrottleState {
    return { limit: this.limit, pauseMs: this.pauseMs, throttledTotal: this.throttledTotal };
  }

  /** Runs one request within the current limit, after any pause the provider asked for. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      for (let wait = this.pauseUntil - this.now(); wait > 0; wait = this.pauseUntil - this.now()) await sleep(wait);
      return await request();
    } finally {
      this.release();
    }
  }

  /** The provider pushed back: slow everyone down. */
  throttled(reason: string): void {
    const min = this.opts.minPauseMs ?? 500;
    const max = this.opts.maxPauseMs ?? 30_000;
    this.pauseMs = Math.min(max, this.pauseMs ? this.pauseMs * 2 : min);
    this.pauseUntil = this.now() + this.pauseMs;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successes = 0;
    this.throttledTotal += 1;
    this.opts.log?.warn('provider pushed back; slowing down', {
      sink: this.opts.name,
      reason: reason.slice(0, 300),
      concurrency: this.limit,
      pauseMs: this.pauseMs,
    });
  }

  /** A healthy answer: after a full window of them, allow one more request in flight. */
  succeeded(): void {
    this.pauseMs = 0;
    if (this.limit >= this.opts.maxConcurrent) return;
    this.successes += 1;
    if (this.successes >= this.limit) {
      this.limit += 1;
      this.successes = 0;
      this.wake();
    }
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    this.active += 1;
  }

  private release(): void {
    this.active -= 1;
    this.wake();
  }

  private wake(): void {
    for (let free = this.limit - this.active; free > 0 && this.waiters.length; free--) this.waiters.shift()?.();
  }
}

/** Raised when a provider keeps pushing back past what one attempt waits: Temporal retries later, with backoff. */
export class ThrottledError extends Error {
  /** Temporal reports a thrown Error's name as its failure type; its class is push-back (contracts/errors). */
  override name: ErrorType = 'Throttled';
}
