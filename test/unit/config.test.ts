import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';

const base = { HOME: '/home/op' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults, derived from the stack ports', () => {
    const cfg = loadConfig(base);
    expect(cfg.stack.toolsDir).toBe('/home/op/.cache/sluice/tools');
    expect(cfg.temporal.address).toBe('127.0.0.1:7233');
    expect(cfg.s3.endpoint).toBe('http://127.0.0.1:9000');
    expect(cfg.snowflake.accessUrl).toBe('http://127.0.0.1:64616');
    expect(cfg.pipeline.chunkTargetBytes).toBe(2 * 1024 * 1024);
    expect(cfg.stack.startTimeout).toBe(180_000);
    expect(cfg.s3.forcePathStyle).toBe(true);
  });

  it('environment overrides defaults; a changed port moves the derived URL', () => {
    const cfg = loadConfig({
      ...base,
      SLUICE_MINIO_PORT: '19000',
      SLUICE_CHUNK_TARGET_BYTES: '512KiB',
      SLUICE_S3_FORCE_PATH_STYLE: 'no',
    });
    expect(cfg.s3.endpoint).toBe('http://127.0.0.1:19000');
    expect(cfg.pipeline.chunkTargetBytes).toBe(512 * 1024);
    expect(cfg.s3.forcePathStyle).toBe(false);
  });

  it('reads a JSON file named by SLUICE_CONFIG, under the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cfg-'));
    const file = path.join(dir, 'sluice.json');
    writeFileSync(
      file,
      JSON.stringify({
        pipeline: { maxChunksInFlight: 8, chunkTargetBytes: '1MiB' },
        temporal: { taskQueue: 'from-file' },
      }),
    );
    const cfg = loadConfig({ ...base, SLUICE_CONFIG: file, SLUICE_TASK_QUEUE: 'from-env' });
    expect(cfg.pipeline.maxChunksInFlight).toBe(8);
    expect(cfg.pipeline.chunkTargetBytes).toBe(1024 * 1024);
    expect(cfg.temporal.taskQueue).toBe('from-env');
  });

  it('lists every bad value at once, by env name and key, with what was expected', () => {
    expect(
      problemsOf({
        ...base,
        SLUICE_MINIO_PORT: 'abc',
        SLUICE_MAX_CHUNKS_IN_FLIGHT: '0',
        SLUICE_STACK_START_TIMEOUT: '3 hours',
        SLUICE_LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      'SLUICE_MINIO_PORT (stack.minioPort): expected a TCP port number, got "abc"',
      'SLUICE_STACK_START_TIMEOUT (stack.startTimeout): expected a duration such as 500ms, 30s, 5m, 3h or 1d, got "3 hours"',
      'SLUICE_MAX_CHUNKS_IN_FLIGHT (pipeline.maxChunksInFlight): value must be at least 1, got 0',
      'SLUICE_LOG_LEVEL (log.level): expected debug, info, warn or error, got "loud"',
    ]);
  });

  it('rejects unknown keys and unreadable or invalid files clearly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cfg-'));
    const typo = path.join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ pipeline: { chunkTargetByte: 10 } }));
    expect(problemsOf({ ...base, SLUICE_CONFIG: typo })).toEqual([
      `${typo}: unknown setting "pipeline.chunkTargetByte"`,
    ]);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(problemsOf({ ...base, SLUICE_CONFIG: broken })[0]).toMatch(
      /^SLUICE_CONFIG: .*broken\.json is not valid JSON \(at position \d+/,
    );
    expect(problemsOf({ ...base, SLUICE_CONFIG: path.join(dir, 'missing.json') })[0]).toMatch(
      /^SLUICE_CONFIG: cannot read config file .*missing\.json/,
    );
  });

  it('refuses a MinIO secret shorter than MinIO accepts', () => {
    expect(problemsOf({ ...base, SLUICE_S3_SECRET_ACCESS_KEY: 'short' })).toEqual([
      'SLUICE_S3_SECRET_ACCESS_KEY (s3.secretAccessKey): must be at least 8 characters (MinIO refuses shorter)',
    ]);
  });
});

describe('workflow defaults', () => {
  it('equal the configuration defaults (a workflow started by the stock temporal CLI behaves like one started by sluice)', async () => {
    const { workflowDefaults } = await import('../../src/config/defaults');
    const cfg = loadConfig(base);
    const defaults = workflowDefaults();
    expect(defaults.retry).toEqual(cfg.retry);
    expect(defaults.pipeline).toEqual(cfg.pipeline);
    expect(defaults.retry.snowflake).toEqual({
      window: 6 * 3_600_000,
      initialInterval: 2000,
      maximumInterval: 10 * 60_000,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [],
    });
    expect(defaults.pipeline.chunkTargetBytes).toBe(2 * 1024 * 1024);
  });

  it('gives each sink its own concurrency and fleet-wide rate, and names a bad one', () => {
    const cfg = loadConfig({ ...base, SLUICE_SINK_OPENSEARCH_CONCURRENCY: '1', SLUICE_SINK_OPENSEARCH_RATE: '2.5' });
    expect(cfg.sinks.opensearch).toEqual({ concurrency: 1, ratePerSecond: 2.5 });
    expect(cfg.sinks.snowflake).toEqual({ concurrency: 2, ratePerSecond: 0 });
    expect(() => loadConfig({ ...base, SLUICE_SINK_S3_CONCURRENCY: '0' })).toThrow(
      'SLUICE_SINK_S3_CONCURRENCY (sinks.s3.concurrency): value must be at least 1, got 0',
    );
    expect(() => loadConfig({ ...base, SLUICE_SINK_SNOWFLAKE_RATE: 'fast' })).toThrow(
      'SLUICE_SINK_SNOWFLAKE_RATE (sinks.snowflake.ratePerSecond): expected a number, got "fast"',
    );
  });

  it('per-stage retry comes from the environment', () => {
    const cfg = loadConfig({ ...base, SLUICE_RETRY_OPENSEARCH_WINDOW: '3h', SLUICE_RETRY_SNOWFLAKE_BACKOFF: '1.5' });
    expect(cfg.retry.opensearch.window).toBe(3 * 3_600_000);
    expect(cfg.retry.snowflake.backoffCoefficient).toBe(1.5);
  });
});

describe('per-stage non-retryable error types', () => {
  it('come from a comma-separated env list and join the built-in permanent types in the activity options', async () => {
    const { activityOptions } = await import('../../src/workflows/policies');
    const { PERMANENT_TYPES } = await import('../../src/contracts/errors');
    const cfg = loadConfig({ ...base, SLUICE_RETRY_SNOWFLAKE_NON_RETRYABLE: 'ValidationError, QuotaExceeded' });
    expect(cfg.retry.snowflake.nonRetryableErrorTypes).toEqual(['ValidationError', 'QuotaExceeded']);
    expect(cfg.retry.s3.nonRetryableErrorTypes).toEqual([]);
    const opts = activityOptions('snowflake', cfg.retry.snowflake);
    expect(opts.retry?.nonRetryableErrorTypes).toEqual([...PERMANENT_TYPES, 'ValidationError', 'QuotaExceeded']);
    expect(opts.scheduleToCloseTimeout).toBe(6 * 3_600_000);
    expect(opts.heartbeatTimeout).toBe(30_000);
  });

  it('reject names that are not error types', () => {
    expect(problemsOf({ ...base, SLUICE_RETRY_S3_NON_RETRYABLE: 'ok,not ok' })).toEqual([
      'SLUICE_RETRY_S3_NON_RETRYABLE (retry.s3.nonRetryableErrorTypes): expected comma-separated names such as ValidationError,AuthError, got "ok,not ok"',
    ]);
  });
});
