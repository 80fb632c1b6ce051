/**
 * What the Temporal Web UI shows about a file: the workflow's static summary and details (set at start), its
 * current details (set by the workflow as it goes) and each activity's one-line summary on the timeline.
 * Pure functions of plain data, no Node or Temporal imports: workflow code and the client both use them.
 */
import type { AwaitingDecision, FileRef, IngestStatus, Stage } from '../contracts/ingest';

/** 1234567 → "1,234,567", the same in every locale (workflow code must not depend on the host's). */
export const grouped = (n: number) => String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

const sourceUri = (file: FileRef) => `s3://${file.bucket}/${file.key}`;

/** One line for the workflow list and the top of the workflow page: whose file, what kind, where, how big. */
export function fileStaticSummary(file: FileRef): string {
  const size = file.size === undefined ? '' : ` · ${humanBytes(file.size)}`;
  return `${file.tenant} · ${file.logType} · ${sourceUri(file)}${size}`;
}

/**
 * The same facts as a list, plus what only a person reading the page needs (the pinned version). Markdown:
 * the UI renders it, and joins lines that are not list items or paragraphs.
 */
export function fileStaticDetails(file: FileRef, startedBy: string): string {
  return [
    `- **Tenant:** ${file.tenant}`,
    `- **Log type:** ${file.logType}`,
    `- **Source:** ${sourceUri(file)}`,
    `- **ETag:** ${file.etag}`,
    `- **Size:** ${file.size === undefined ? 'unknown' : `${humanBytes(file.size)} (${grouped(file.size)} bytes)`}`,
    `- **Started by:** ${startedBy}`,
  ].join('\n');
}

/** The activity type each stage runs: the name the timeline shows next to the summary. */
const ACTIVITY_OF_STAGE: Record<Stage, string> = {
  split: 'splitFile',
  process: 'processChunk',
  s3: 'sink_s3',
  snowflake: 'sink_snowflake',
  opensearch: 'sink_opensearch',
};

/** "sink_opensearch chunk 12 (4,996 records)", "processChunk chunk 12", "splitFile s3://… (1.2 MiB)". */
export function activitySummary(stage: Stage, file: FileRef, chunk: number | undefined, records?: number): string {
  const name = ACTIVITY_OF_STAGE[stage];
  if (stage === 'split')
    return `${name} ${sourceUri(file)}${file.size === undefined ? '' : ` (${humanBytes(file.size)})`}`;
  const count = records === undefined ? '' : ` (${grouped(records)} records)`;
  return `${name} chunk ${chunk ?? '?'}${count}`;
}

/** A bisection step writes only part of a chunk: the summary says which lines, so the timeline shows the search. */
export function bisectSummary(stage: Stage, chunk: number, firstLine: number, lastLine: number): string {
  return `${ACTIVITY_OF_STAGE[stage]} chunk ${chunk} lines ${grouped(firstLine)}–${grouped(lastLine)} (bisecting rejected records)`;
}

/** Quotes a word for a POSIX shell, so a copied command works whatever the workflow id holds. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The signal inputs an operator sends: the exact JSON for the Web UI's "Send a Signal" and the stock CLI. */
export function approveInput(stage: Stage): string {
  return JSON.stringify({ by: 'YOUR NAME', stage });
}
export function dropInput(stage: Stage): string {
  return JSON.stringify({ reason: 'WHY', by: 'YOUR NAME', stage });
}

/** Markdown blocks (paragraphs and lists), joined by blank lines by the caller. */
function awaitingBlocks(workflowId: string, items: AwaitingDecision[]): string[] {
  const lines: string[] = [];
  const stages = [...new Set(items.map((a) => a.stage))];
  for (const a of items.slice(0, 5)) {
    const chunks = a.chunks.length
      ? `chunks ${a.chunks.slice(0, 20).join(', ')}${a.chunks.length > 20 ? ', …' : ''}`
      : 'the whole file';
    lines.push(
      `**Awaiting a decision** since ${a.since}: stage **${a.stage}**, ${chunks}, ${grouped(a.records)} records`,
      `Error (${a.errorType}): ${a.error}`,
    );
  }
  if (items.length > 5) lines.push(`… and ${items.length - 5} more waiting work items (\`sluice show\` lists all)`);
  const wid = shellQuote(workflowId);
  for (const stage of stages) {
    lines.push(
      [
        `- **Retry** ${stage} after fixing the cause: Send a Signal \`approve\` with input \`${approveInput(stage)}\`, or run \`temporal workflow signal --workflow-id ${wid} --name approve --input '${approveInput(stage)}'\``,
        `- **Give up** on it (kept in quarantine, audited): Send a Signal \`drop\` with input \`${dropInput(stage)}\`, or run \`temporal workflow signal --workflow-id ${wid} --name drop --input '${dropInput(stage)}'\``,
      ].join('\n'),
    );
  }
  return lines;
}

/**
 * The workflow's current details: what it is doing now, and when work waits for a person: which stage, since
 * when, the error, the affected chunks and records, and the exact approve/drop to send.
 */
export function currentDetails(workflowId: string, p: IngestStatus): string {
  const lines: string[] = [];
  if (p.awaiting.length) lines.push(...awaitingBlocks(workflowId, p.awaiting));
  if (p.stage === 'done') {
    lines.push(
      `**${p.status}** at ${p.finishedAt ?? '?'}: ${grouped(p.chunksDone)} of ${grouped(p.chunksTotal)} chunks`,
    );
  } else if (p.stage === 'split') {
    lines.push(`**Splitting** ${p.source} into chunks`);
  } else {
    const inFlight = p.chunksInFlight.length ? ` (in flight: ${p.chunksInFlight.join(', ')})` : '';
    lines.push(`**Ingesting**: ${grouped(p.chunksDone)} of ${grouped(p.chunksTotal)} chunks done${inFlight}`);
  }
  const rejected = Object.entries(p.rejected).filter(([, n]) => n > 0);
  const facts: string[] = [];
  facts.push(
    `Records: ${grouped(p.records)} read, ${grouped(p.parsed)} parsed, ${grouped(p.quarantined)} quarantined` +
      (rejected.length ? `, rejected ${rejected.map(([s, n]) => `${s} ${grouped(n)}`).join(', ')}` : ''),
    `Written: s3 ${grouped(p.written.s3)}, snowflake ${grouped(p.written.snowflake)}, opensearch ${grouped(p.written.opensearch)}`,
  );
  // Work that has been scheduled for a while is usually retrying (a provider down); the oldest per stage says since when.
  const oldest = new Map<Stage, string>();
  for (const r of p.running)
    if (!oldest.has(r.stage) || r.since < (oldest.get(r.stage) as string)) oldest.set(r.stage, r.since);
  if (oldest.size && p.stage !== 'done')
    facts.push(
      `Running: ${[...oldest].map(([s, since]) => `${s} since ${since}`).join(', ')} (see Pending Activities for attempts and errors)`,
    );
  for (const d of p.decisions.slice(-3))
    facts.push(`Decision: ${d.kind} ${d.stage} by ${d.by ?? 'unknown'} at ${d.at}${d.reason ? `: ${d.reason}` : ''}`);
  if (p.runs > 1) facts.push(`Run ${p.runs} of this file (continued as new to keep history bounded)`);
  lines.push(facts.map((f) => `- ${f}`).join('\n'));
  return lines.join('\n\n');
}
