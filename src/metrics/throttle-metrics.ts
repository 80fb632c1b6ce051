import type { MetricMeter } from '@temporalio/common';
import type { AdaptiveThrottle } from '../activities/sinks/throttle';
import type { SinkName } from '../contracts/sinks';
import { M } from './names';

/**
 * Samples each sink's process-wide throttle: the requests it allows in flight now (below the sink's concurrency
 * while the provider pushes back), whether writers are paused, and push-backs seen. Returns a stop function.
 */
export function sampleThrottles(
  throttles: Map<SinkName, AdaptiveThrottle>,
  meter: MetricMeter,
  everyMs = 5000,
): () => void {
  const limit = meter.createGauge(M.throttleLimit, 'int', '', 'Requests a sink allows in flight in this process now');
  const paused = meter.createGauge(M.throttlePaused, 'int', '', '1 while a sink pauses after push-back');
  const events = meter.createCounter(M.throttleEvents, '', 'Push-backs (429, queue full, breaker) a sink received');
  const seen = new Map<SinkName, number>();
  const sample = () => {
    for (const [sink, t] of throttles) {
      const s = t.state;
      limit.set(s.limit, { sink });
      paused.set(s.pauseMs > 0 ? 1 : 0, { sink });
      const delta = s.throttledTotal - (seen.get(sink) ?? 0);
      // Add zero too, so the series exists before the first push-back and rate() reads 0 rather than nothing.
      events.add(Math.max(0, delta), { sink });
      seen.set(sink, s.throttledTotal);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
