import { opensearchSpec } from '../activities/sinks/opensearch/spec';
import { s3Spec } from '../activities/sinks/s3/spec';
import { snowflakeSpec } from '../activities/sinks/snowflake/spec';
import type { Setting } from '../config/settings';

/**
 * How a failure is handled: never retried; never retried and worth bisecting for the record; retried slower;
 * retried, then parked under its own type, never bisected (the destination refuses everything).
 */
export type ErrorClass = 'permanent' | 'record' | 'push-back' | 'systemic';

/**
 * What the workflow, the configuration and the CLI know of a sink: data only, no Node imports, so the workflow
 * bundle can hold it. The sink's code (its factory) is registered beside, in activities/sinks/registry.ts.
 */
export interface SinkSpec<Name extends string = string> {
  readonly name: Name;
  /** The sink's part of env names: SLUICE_SINK_<ENV>_CONCURRENCY, SLUICE_RETRY_<ENV>_WINDOW, … */
  readonly env: string;
  /** Chunks one worker process writes at once, unless configured. */
  readonly concurrency: number;
  /** Retry window and first delay unless configured (a duration such as 6h, 1s). */
  readonly retry: { readonly window: string; readonly initialInterval: string };
  /** Longest single attempt of one chunk write, in ms. */
  readonly attemptTimeout: number;
  /** The error types this sink throws, each with how it is handled. */
  readonly errors: Readonly<Record<string, ErrorClass>>;
  /** The sink's own settings (connection, table, …), in the configuration table. */
  readonly settings: readonly Setting[];
}

/**
 * Every sink, once. Adding a sink: its folder (spec.ts, sink.ts) and one line here; the compiler then names the
 * factory still missing in activities/sinks/registry.ts. Order is the order sinks appear in status output.
 */
export const SINK_SPECS = {
  s3: s3Spec,
  snowflake: snowflakeSpec,
  opensearch: opensearchSpec,
} as const satisfies Readonly<Record<string, SinkSpec>>;

export type SinkName = keyof typeof SINK_SPECS;
export const SINK_NAMES = Object.keys(SINK_SPECS) as readonly SinkName[];

export const isSinkName = (s: string): s is SinkName => Object.hasOwn(SINK_SPECS, s);

/** A value for every sink (counts in status, per-sink results). */
export const perSink = <T>(value: (sink: SinkName) => T): Record<SinkName, T> =>
  Object.fromEntries(SINK_NAMES.map((s) => [s, value(s)])) as Record<SinkName, T>;

/**
 * The task queue a sink's writes go to, derived from the ingest queue so that one setting names them all. Its own
 * queue is what lets a sink have its own concurrency and fleet-wide rate: a backlog toward a slow provider then
 * never takes the slots of split, process or the other sinks.
 */
export const sinkTaskQueue = (ingestQueue: string, sink: SinkName): string => `${ingestQueue}-sink-${sink}`;

/** Activity names, one per sink: `sink_s3`, `sink_snowflake`, `sink_opensearch`. */
export type SinkActivityName = `sink_${SinkName}`;
export const sinkActivityName = (name: SinkName): SinkActivityName => `sink_${name}`;
