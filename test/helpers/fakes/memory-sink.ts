import {
  type EnvelopeBatch,
  PermanentSinkError,
  type Sink,
  type SinkWriteResult,
} from '../../../src/activities/sinks/sink';
import { perSink, type SinkName } from '../../../src/contracts/sinks';
import type { Envelope } from '../../../src/transforms/envelope';

/**
 * A destination in memory behind the Sink interface, keeping the contract (idempotent by row id), with switches a
 * test flips: records it rejects by themselves, an outage, and how many writes ran at once.
 */
export class MemorySink implements Sink {
  readonly rows = new Map<string, Envelope>();
  /** Lines (of any file) this sink refuses one by one, as a mapping conflict would. */
  readonly rejectLines = new Set<number>();
  /** While set, every write fails as a provider outage does (retried by Temporal). */
  down: string | undefined;
  writes = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly name: SinkName) {}

  async prepare(): Promise<void> {}

  async write(batch: EnvelopeBatch): Promise<SinkWriteResult> {
    this.writes += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Yields once, so writes of different chunks overlap as they would against a server.
      await new Promise((r) => setImmediate(r));
      if (this.down) throw new Error(`${this.name}: ${this.down}`);
      const envelopes = [...batch.envelopes];
      const bad = envelopes.find((e) => this.rejectLines.has(e.source.line));
      if (bad) {
        throw new PermanentSinkError(
          this.name,
          `document rejected: line ${bad.source.line} does not fit`,
          'DocumentRejected',
        );
      }
      for (const e of envelopes) this.rows.set(e.row_id, e);
      return { written: envelopes.length };
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(): Promise<void> {}

  /** Lines of the rows held for one tenant, ascending (each test ingests as its own tenant). */
  lines(tenant: string): number[] {
    return [...this.rows.values()]
      .filter((e) => e.tenant === tenant)
      .map((e) => e.source.line)
      .sort((a, b) => a - b);
  }
}

export const memorySinks = (): Record<SinkName, MemorySink> => perSink((name) => new MemorySink(name));
