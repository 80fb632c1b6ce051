import type { IngestSummary, IngestTotals } from '../contracts/ingest';

/** Records quarantined: at parse, plus the most any one sink rejected (the others hold those rows). */
export const quarantinedOf = (p: IngestTotals) => p.quarantined + Math.max(0, ...Object.values(p.rejected));

/**
 * How the file ended, in words. A file whose records were mostly (past the alert ratio) or all quarantined
 * did not "complete" in any sense an operator cares about: it gets its own status, so it is seen.
 */
export function summarize(
  p: IngestTotals,
  outcome: 'Completed' | 'Dropped',
  alertRatio: number,
): { status: IngestSummary['status']; summary: string } {
  const q = quarantinedOf(p);
  const blank = p.blank ? `, ${p.blank} blank line(s) skipped` : '';
  const counts = `${p.records} record(s): ${p.parsed} parsed, ${q} quarantined${blank}`;
  if (outcome === 'Dropped') return { status: 'Dropped', summary: `dropped by decision; ${counts}` };
  if (p.records === 0) return { status: 'Completed', summary: `the file held no records${blank}` };
  const share = q / p.records;
  const pct = `${Math.round(share * 1000) / 10} %`;
  if (p.parsed === 0)
    return {
      status: 'MostlyQuarantined',
      summary: `no record of this file could be parsed: all ${p.records} quarantined (wrong log type, or not this format?); see the quarantine bucket`,
    };
  if (share > alertRatio)
    return {
      status: 'MostlyQuarantined',
      summary: `${pct} of the records were quarantined, over the alert ratio of ${alertRatio * 100} % (SLUICE_QUARANTINE_ALERT_RATIO); ${counts}`,
    };
  const range = p.outOfRange ? `; ${p.outOfRange} with event times out of range, partitioned by the file's time` : '';
  return { status: 'Completed', summary: `${counts}${range}` };
}
