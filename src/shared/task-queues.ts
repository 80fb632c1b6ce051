import type { SinkName } from './ingest-types';

/**
 * The task queue a sink's writes go to, derived from the ingest queue so that one setting names them all. Its own
 * queue is what lets a sink have its own concurrency and fleet-wide rate: a backlog toward a slow provider then
 * never takes the slots of split, process or the other sinks.
 */
export const sinkTaskQueue = (ingestQueue: string, sink: SinkName): string => `${ingestQueue}-sink-${sink}`;
