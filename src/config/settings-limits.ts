import type { Setting } from './settings';

/**
 * Limits that keep one hostile or broken file (or tenant) from hurting the fleet: memory bounded by records as
 * well as bytes, bounded decompression, bounded index/partition fan-out, visible quarantine-heavy files, and
 * which sources a tenant may ingest. The pipeline.* ones are ingest options of the same name (the workflow's
 * defaults come from this table too).
 */
export const LIMIT_SETTINGS = [
  {
    key: 'pipeline.maxRecordsPerChunk',
    env: 'SLUICE_MAX_RECORDS_PER_CHUNK',
    kind: 'int',
    default: '10000',
    min: 1,
    max: 1_000_000,
    doc: "Most records in one chunk, however small they are: a chunk is cut at this count or at SLUICE_CHUNK_TARGET_BYTES, whichever comes first (a process activity's memory follows records as well as bytes).",
  },
  {
    key: 'pipeline.maxDecompressedBytes',
    env: 'SLUICE_MAX_DECOMPRESSED_BYTES',
    kind: 'bytes',
    default: '16GiB',
    min: 0,
    doc: 'Most bytes one file may decompress to (plain files: their size); past it the file stops with a DecompressionLimit error and waits for a decision. 0: no limit.',
  },
  {
    key: 'pipeline.maxCompressionRatio',
    env: 'SLUICE_MAX_COMPRESSION_RATIO',
    kind: 'number',
    default: '200',
    min: 0,
    doc: 'Most decompressed bytes per compressed byte of a gzip file, judged once 64 MiB are decompressed (log files compress 5-30:1, a gzip bomb about 1000:1); past it the file stops with a DecompressionLimit error and waits for a decision. 0: no limit.',
  },
  {
    key: 'pipeline.eventTimeMaxAge',
    env: 'SLUICE_EVENT_TIME_MAX_AGE',
    kind: 'duration',
    default: '7d',
    min: 0,
    doc: "A record whose event time is older than this before its file's time is partitioned (S3 date/hour, OpenSearch daily index) by the file's time and flagged event_time_out_of_range; its event_time is kept. Bounds the partitions one file can create.",
  },
  {
    key: 'pipeline.eventTimeMaxAhead',
    env: 'SLUICE_EVENT_TIME_MAX_AHEAD',
    kind: 'duration',
    default: '1d',
    min: 0,
    doc: "Like SLUICE_EVENT_TIME_MAX_AGE, for event times after the file's time.",
  },
  {
    key: 'pipeline.quarantineAlertRatio',
    env: 'SLUICE_QUARANTINE_ALERT_RATIO',
    kind: 'number',
    default: '0.5',
    min: 0,
    max: 1,
    doc: 'Share of a file\'s records that, once quarantined, ends it with PipelineStatus "MostlyQuarantined" (and `sluice ingest --wait` exits non-zero) instead of "Completed". A file with records and none parsed always does.',
  },
  {
    key: 'tenants.sources',
    env: 'SLUICE_TENANT_SOURCES',
    kind: 'string',
    default: '',
    doc: 'Which sources each tenant may ingest, as comma-separated tenant=s3://bucket/prefix entries (a tenant may have several; the prefix may be empty). Empty: any tenant any source. When set, a tenant without an entry may ingest nothing; the CLI and the worker both refuse such a file.',
  },
] as const satisfies readonly Setting[];
