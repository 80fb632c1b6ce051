import { describe, expect, expectTypeOf, it } from 'vitest';
import { SINK_FACTORIES } from '../../src/activities/sinks/registry';
import { workflowDefaults } from '../../src/config/defaults';
import { loadConfig, type SluiceConfig } from '../../src/config/load';
import { ERROR_CLASSES, PERMANENT_TYPES, RECORD_REJECTION_TYPES } from '../../src/contracts/errors';
import { STAGE_ACTIVITIES, STAGES } from '../../src/contracts/ingest';
import { SINK_NAMES, SINK_SPECS } from '../../src/contracts/sinks';

const base = { HOME: '/home/op' };

describe('sink registry', () => {
  it('lists every sink once, in status order, each with a spec and a factory', () => {
    expect(SINK_NAMES).toEqual(['s3', 'snowflake', 'opensearch']);
    expect(STAGES).toEqual(['split', 'process', 's3', 'snowflake', 'opensearch']);
    expect(Object.keys(SINK_FACTORIES).sort()).toEqual([...SINK_NAMES].sort());
    for (const name of SINK_NAMES) expect(SINK_SPECS[name].name).toBe(name);
    expect(STAGE_ACTIVITIES).toEqual({
      splitFile: 'split',
      processChunk: 'process',
      sink_s3: 's3',
      sink_snowflake: 'snowflake',
      sink_opensearch: 'opensearch',
    });
  });

  it("takes each sink's configured defaults from its spec (no second copy to drift)", () => {
    const cfg = loadConfig(base);
    for (const name of SINK_NAMES) {
      expect(cfg.sinks[name].concurrency).toBe(SINK_SPECS[name].concurrency);
      expect(workflowDefaults().retry[name].window).toBe(cfg.retry[name].window);
    }
    expect(cfg.sinks.opensearch.concurrency).toBe(2);
    expect(cfg.retry.snowflake.initialInterval).toBe(2000);
  });
});

describe('error classification', () => {
  it('is one table: permanent and record-level types skip retries, record-level ones are bisected', () => {
    expect([...PERMANENT_TYPES].sort()).toEqual(
      [
        'UnknownLogType',
        'SourceMissing',
        'SourceChanged',
        'SourceAccessDenied',
        'TruncatedInput',
        'CorruptInput',
        'FormatMismatch',
        'StagingCorrupt',
        'MappingConflict',
        'DocumentRejected',
        'Rejected',
        'InvalidIndexName',
        'TemplateRejected',
        'SnowflakeRejected',
        'DecompressionLimit',
        'SourceNotAllowed',
      ].sort(),
    );
    expect([...RECORD_REJECTION_TYPES].sort()).toEqual(['DocumentRejected', 'MappingConflict', 'SnowflakeRejected']);
    expect(ERROR_CLASSES.Throttled).toBe('push-back');
    expect(PERMANENT_TYPES).not.toContain('Throttled');
    // A destination refusing everything is retried within the window, then parked; never bisected.
    expect(ERROR_CLASSES.SystemicRefusal).toBe('systemic');
    expect(PERMANENT_TYPES).not.toContain('SystemicRefusal');
    expect(RECORD_REJECTION_TYPES).not.toContain('SystemicRefusal');
  });
});

describe('configuration type', () => {
  it('is inferred from the settings table', () => {
    const cfg = loadConfig(base);
    expectTypeOf(cfg.sinks.opensearch.concurrency).toEqualTypeOf<number>();
    expectTypeOf(cfg.retry.split.nonRetryableErrorTypes).toEqualTypeOf<string[]>();
    expectTypeOf(cfg.s3.forcePathStyle).toEqualTypeOf<boolean>();
    expectTypeOf(cfg.log.level).toEqualTypeOf<'debug' | 'info' | 'warn' | 'error'>();
    expectTypeOf<SluiceConfig['snowflake']['table']>().toEqualTypeOf<string>();
    expect(cfg.log.level).toBe('info');
  });
});
