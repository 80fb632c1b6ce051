import { describe, expect, it } from 'vitest';
import type { FileRef, IngestStatus } from '../../src/contracts/ingest';
import {
  activitySummary,
  bisectSummary,
  currentDetails,
  fileStaticDetails,
  fileStaticSummary,
  grouped,
} from '../../src/shared/ui-text';

const file: FileRef = {
  bucket: 'landing',
  key: "uploads/acme/o'brien/conn.ndjson.gz",
  etag: 'abc123',
  tenant: 'acme',
  logType: 'zeek',
  size: 3 * 1024 * 1024 + 1,
};

function progress(over: Partial<IngestStatus> = {}): IngestStatus {
  return {
    fileId: 'f',
    file,
    status: 'Running',
    stage: 'process',
    source: `s3://${file.bucket}/${file.key}`,
    chunksTotal: 40,
    chunksDone: 12,
    chunksInFlight: [12, 13],
    records: 120_000,
    parsed: 119_990,
    quarantined: 10,
    written: { s3: 60_000, snowflake: 59_000, opensearch: 58_000 },
    rejected: { s3: 0, snowflake: 0, opensearch: 2 },
    bytes: 0,
    compressedBytes: 0,
    gzip: true,
    warnings: [],
    awaiting: [],
    decisions: [],
    dropped: [],
    reminders: 0,
    running: [
      { stage: 'opensearch', chunk: 12, since: '2026-11-25T10:00:05.000Z' },
      { stage: 'opensearch', chunk: 13, since: '2026-11-25T10:00:01.000Z' },
    ],
    runs: 1,
    startedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}

describe('Web UI texts', () => {
  it('groups digits the same in every locale', () => {
    expect([grouped(0), grouped(999), grouped(4996), grouped(1234567)]).toEqual(['0', '999', '4,996', '1,234,567']);
  });

  it('the static summary names tenant, log type, source and size; the details add the ETag and the starter', () => {
    expect(fileStaticSummary(file)).toBe(`acme · zeek · s3://landing/uploads/acme/o'brien/conn.ndjson.gz · 3.0 MiB`);
    expect(fileStaticSummary({ ...file, size: undefined })).toBe(
      `acme · zeek · s3://landing/uploads/acme/o'brien/conn.ndjson.gz`,
    );
    expect(fileStaticDetails(file, 'ops@host via sluice').split('\n')).toEqual([
      '- **Tenant:** acme',
      '- **Log type:** zeek',
      `- **Source:** s3://landing/uploads/acme/o'brien/conn.ndjson.gz`,
      '- **ETag:** abc123',
      '- **Size:** 3.0 MiB (3,145,729 bytes)',
      '- **Started by:** ops@host via sluice',
    ]);
  });

  it('activity summaries read like a timeline', () => {
    expect(activitySummary('opensearch', file, 12, 4996)).toBe('sink_opensearch chunk 12 (4,996 records)');
    expect(activitySummary('process', file, 3)).toBe('processChunk chunk 3');
    expect(activitySummary('split', file, undefined)).toBe(
      `splitFile s3://landing/uploads/acme/o'brien/conn.ndjson.gz (3.0 MiB)`,
    );
    expect(bisectSummary('snowflake', 7, 1, 2498)).toBe(
      'sink_snowflake chunk 7 lines 1–2,498 (bisecting rejected records)',
    );
  });

  it('current details while running: chunks, records per sink, and the oldest running work per stage', () => {
    expect(currentDetails('wf', progress()).split('\n')).toEqual([
      '**Ingesting**: 12 of 40 chunks done (in flight: 12, 13)',
      '',
      '- Records: 120,000 read, 119,990 parsed, 10 quarantined, rejected opensearch 2',
      '- Written: s3 60,000, snowflake 59,000, opensearch 58,000',
      '- Running: opensearch since 2026-11-25T10:00:01.000Z (see Pending Activities for attempts and errors)',
    ]);
  });

  it('current details while waiting: stage, since, error, chunks, records and the exact approve/drop, shell-quoted', () => {
    const text = currentDetails(
      "ingest/acme/landing/o'brien@abc",
      progress({
        status: 'AwaitingDecision',
        running: [],
        awaiting: [
          {
            id: 1,
            stage: 'opensearch',
            chunks: [0, 4],
            records: 9_992,
            errorType: 'TooManyRejected',
            error: 'more than 10 records of chunk 0 were rejected',
            since: '2026-11-25T10:01:00.000Z',
          },
        ],
      }),
    );
    // Paragraphs, so the UI's markdown keeps them apart.
    const blocks = text.split('\n\n');
    expect(blocks.slice(0, 3)).toEqual([
      '**Awaiting a decision** since 2026-11-25T10:01:00.000Z: stage **opensearch**, chunks 0, 4, 9,992 records',
      'Error (TooManyRejected): more than 10 records of chunk 0 were rejected',
      [
        `- **Retry** opensearch after fixing the cause: Send a Signal \`approve\` with input \`{"by":"YOUR NAME","stage":"opensearch"}\`, or run \`temporal workflow signal --workflow-id 'ingest/acme/landing/o'\\''brien@abc' --name approve --input '{"by":"YOUR NAME","stage":"opensearch"}'\``,
        `- **Give up** on it (kept in quarantine, audited): Send a Signal \`drop\` with input \`{"reason":"WHY","by":"YOUR NAME","stage":"opensearch"}\`, or run \`temporal workflow signal --workflow-id 'ingest/acme/landing/o'\\''brien@abc' --name drop --input '{"reason":"WHY","by":"YOUR NAME","stage":"opensearch"}'\``,
      ].join('\n'),
    ]);
  });

  it('current details when finished', () => {
    const text = currentDetails(
      'wf',
      progress({ stage: 'done', status: 'Completed', chunksDone: 40, finishedAt: '2026-11-25T11:00:00.000Z' }),
    );
    expect(text.split('\n')[0]).toBe('**Completed** at 2026-11-25T11:00:00.000Z: 40 of 40 chunks');
    expect(text).not.toMatch(/Running:/);
  });
});
