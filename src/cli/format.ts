import type { FileStatus } from '../client/ingest-client';
import type { IngestStatus, IngestSummary } from '../contracts/ingest';
import { SINK_NAMES } from '../contracts/sinks';

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export function formatProgress(p: IngestStatus | IngestSummary): string {
  const inFlight = 'chunksInFlight' in p ? p.chunksInFlight : [];
  const lines = [
    `  source        ${p.source}`,
    `  status        ${p.status} (stage ${p.stage}; chunks ${p.chunksDone}/${p.chunksTotal}${inFlight.length ? `, in flight ${inFlight.join(',')}` : ''})`,
    `  records       ${p.records} read, ${p.parsed} parsed, ${p.quarantined} quarantined${p.blank ? `, ${p.blank} blank lines skipped` : ''}${p.outOfRange ? `, ${p.outOfRange} event times out of range` : ''}`,
    `  written       ${SINK_NAMES.map((s) => `${s} ${p.written[s] ?? 0}`).join(', ')}`,
    `  bytes         ${mib(p.bytes)} uncompressed, ${mib(p.compressedBytes)} stored`,
  ];
  if (p.durationMs !== undefined)
    lines.push(
      `  duration      ${(p.durationMs / 1000).toFixed(1)} s (split ${((p.splitMs ?? 0) / 1000).toFixed(1)} s)`,
    );
  if (p.summary) lines.push(`  summary       ${p.summary}`);
  if (p.logType) lines.push(`  log type      ${p.logType} (recognised from the file)`);
  for (const [reason, n] of Object.entries(p.skipped ?? {})) lines.push(`  skipped       ${n} × ${reason}`);
  for (const w of p.warnings) lines.push(`  warning       ${w}`);
  const rejected = Object.entries(p.rejected ?? {}).filter(([, n]) => n > 0);
  if (rejected.length)
    lines.push(`  rejected      ${rejected.map(([s, n]) => `${s} ${n}`).join(', ')} (bisected out, in quarantine)`);
  for (const a of p.awaiting ?? []) {
    const chunks = a.chunks.length ? `chunks ${a.chunks.join(',')}` : 'whole file';
    lines.push(`  AWAITING      #${a.id} stage ${a.stage}, ${chunks}, ${a.records} records, since ${a.since}`);
    lines.push(`                ${a.errorType}: ${a.error}`);
  }
  if (p.awaiting?.length)
    lines.push(`  reminders     ${p.reminders}${p.lastReminderAt ? ` (last ${p.lastReminderAt})` : ''}`);
  for (const d of p.decisions ?? []) {
    lines.push(
      `  decision      ${d.kind} #${d.awaitingId} (${d.stage}) by ${d.by ?? 'unknown'} at ${d.at}${d.reason ? `: ${d.reason}` : ''}`,
    );
  }
  for (const d of p.dropped ?? [])
    lines.push(
      `  dropped       stage ${d.stage}${d.chunks.length ? `, chunks ${d.chunks.join(',')}` : ', whole file'}`,
    );
  return lines.join('\n');
}

export function formatStatus(s: FileStatus): string {
  const head = `${s.workflowId}  [${s.execution}]`;
  const runs = s.progress && s.progress.runs > 1 ? `\n  runs          ${s.progress.runs} (continued as new)` : '';
  const waiting = (s.waiting ?? []).map(
    (w) =>
      `\n  waiting on ${w.stage} since ${w.since} (attempt ${w.attempt}, ${w.activities} ${w.activities === 1 ? 'activity' : 'activities'}${w.nextAttemptAt ? `, next try ${w.nextAttemptAt}` : ''})${w.lastError ? `: ${w.lastError}` : ''}`,
  );
  const body = s.progress ? `\n${formatProgress(s.progress)}${runs}${waiting.join('')}` : waiting.join('');
  const failure = s.failure ? `\n  failure       ${s.failure}` : '';
  return `${head}${body}${failure}\n  web ui        ${s.link}`;
}
