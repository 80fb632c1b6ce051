import type { FileStatus } from '../client/ingest-client';
import type { IngestProgress } from '../shared/ingest-types';

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export function formatProgress(p: IngestProgress): string {
  const lines = [
    `  source        ${p.source}`,
    `  status        ${p.status} (stage ${p.stage}; chunks ${p.chunksDone}/${p.chunksTotal}${p.chunksInFlight.length ? `, in flight ${p.chunksInFlight.join(',')}` : ''})`,
    `  records       ${p.records} read, ${p.parsed} parsed, ${p.quarantined} quarantined`,
    `  written       s3 ${p.written.s3}, snowflake ${p.written.snowflake}, opensearch ${p.written.opensearch}`,
    `  bytes         ${mib(p.bytes)} uncompressed, ${mib(p.compressedBytes)} stored`,
  ];
  if (p.durationMs !== undefined)
    lines.push(
      `  duration      ${(p.durationMs / 1000).toFixed(1)} s (split ${((p.splitMs ?? 0) / 1000).toFixed(1)} s)`,
    );
  for (const w of p.warnings) lines.push(`  warning       ${w}`);
  return lines.join('\n');
}

export function formatStatus(s: FileStatus): string {
  const head = `${s.workflowId}  [${s.execution}]`;
  const body = s.progress ? `\n${formatProgress(s.progress)}` : '';
  const failure = s.failure ? `\n  failure       ${s.failure}` : '';
  return `${head}${body}${failure}\n  web ui        ${s.link}`;
}
