/**
 * The reconciliation scan and backfill: what crosses the workflow/activity boundary. Types only (workflow code
 * imports it). A scan carries only prefixes, keys it stopped after, and counts.
 */

/** A routing rule in serializable form (the RegExp is rebuilt from `pattern` where it is needed). */
export interface ScanRoute {
  rule: string;
  bucket: string;
  pattern: string;
  listPrefix: string;
  tenant: string;
  /** A log type or `auto`. */
  logType: string;
}

export interface ScanWindow {
  /** Objects last modified at or after this (ISO), or from the beginning. */
  since?: string;
  /** …and before this (ISO), or up to now. */
  until?: string;
}

export interface ScanCounts {
  listed: number;
  /** Listed, in the time window and taken by the route. */
  matched: number;
  started: number;
  alreadyStarted: number;
}

export interface ScanProgress extends ScanCounts {
  /** When the scan or backfill began (first run), ISO. */
  startedAt: string;
  /** Matching objects in all, once a backfill has counted them. */
  total?: number;
  runs: number;
  done: boolean;
}

/** Where a scan stands: which route, which listing prefix of it, and the last key handled. */
export interface ScanCursor {
  route: number;
  prefix: number;
  startAfter?: string;
}

export interface ScanInput {
  kind: 'scan' | 'backfill';
  /** A scan's name (its Schedule's id): each keeps its own watermark. */
  name?: string;
  routes: ScanRoute[];
  window?: ScanWindow;
  /** Starts per second (backfill); a scan starts as fast as Temporal takes them. */
  ratePerSecond?: number;
  /** Listing pages one run handles before continuing as new. */
  pagesPerRun: number;
  /** Set by the workflow itself when it continues as new. */
  resume?: { cursor: ScanCursor; prefixes: string[]; progress: ScanProgress };
}

export interface ScanPageInput {
  route: ScanRoute;
  prefix: string;
  startAfter?: string;
  window?: ScanWindow;
  ratePerSecond?: number;
}

export interface ScanPageResult extends ScanCounts {
  /** The last key listed; the next page starts after it. Absent when the prefix is exhausted. */
  nextStartAfter?: string;
}
