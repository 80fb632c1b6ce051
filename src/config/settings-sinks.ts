import { SINK_NAMES, SINK_SPECS, type SinkName } from '../contracts/sinks';
import type { Setting } from './settings';

/**
 * Each sink has its own task queue, so its limits hold whatever else the fleet is doing: a per-process
 * concurrency, and a fleet-wide rate enforced by the Temporal server. A backlog drains at this pace, not faster.
 */
function limitSettings<N extends SinkName>(spec: { name: N; env: string; concurrency: number }) {
  return [
    {
      key: `sinks.${spec.name}.concurrency` as const,
      env: `SLUICE_SINK_${spec.env}_CONCURRENCY`,
      kind: 'int',
      default: String(spec.concurrency),
      min: 1,
      max: 256,
      doc: `Chunks one worker process writes to ${spec.name} at once.`,
    },
    {
      key: `sinks.${spec.name}.ratePerSecond` as const,
      env: `SLUICE_SINK_${spec.env}_RATE`,
      kind: 'number',
      default: '0',
      min: 0,
      doc: `Chunk writes to ${spec.name} started per second across the whole fleet (Temporal task-queue rate limit); 0 means no limit.`,
    },
  ] as const satisfies readonly Setting[];
}

/** Every sink's own settings (connection, table…) and its limits, from the sink registry. */
export const SINK_SETTINGS = SINK_NAMES.flatMap((name) => [...SINK_SPECS[name].settings]);
export const SINK_LIMIT_SETTINGS = SINK_NAMES.flatMap((name) => limitSettings(SINK_SPECS[name]));
