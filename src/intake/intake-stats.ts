/** What one intake process has seen since it started: served on GET /status and shown by `sluice intake status`. */
export interface IntakeStats {
  since: string;
  messages: number;
  testEvents: number;
  arrivals: number;
  started: number;
  alreadyStarted: number;
  /** Records that were not object-created events (deletes, restores…). */
  skipped: number;
  unrouted: number;
  deadLettered: number;
  /** Start attempts that failed and left their message in the queue to come back. */
  retried: number;
  lastError?: string;
  /** The latest objects that matched no rule (or came from a bucket no rule names), newest last. */
  recentUnrouted: { bucket: string; key: string; reason: string; at: string }[];
  /** The latest messages sent to the dead-letter queue, newest last. */
  recentDeadLetters: { reason: string; at: string }[];
}

const KEEP = 50;

export function newStats(): IntakeStats {
  return {
    since: new Date().toISOString(),
    messages: 0,
    testEvents: 0,
    arrivals: 0,
    started: 0,
    alreadyStarted: 0,
    skipped: 0,
    unrouted: 0,
    deadLettered: 0,
    retried: 0,
    recentUnrouted: [],
    recentDeadLetters: [],
  };
}

export function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
}
