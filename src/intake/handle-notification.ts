import type { FileRef } from '../contracts/ingest';
import type { Logger } from '../shared/log';
import { type IntakeStats, remember } from './intake-stats';
import { type ObjectArrival, parseNotification, UnusableNotification } from './notifications';
import { type Route, routedBuckets, routeOf } from './routes';
import type { StartOutcome } from './start-once';

/** What became of one notification: delete it, or send it to the dead-letter queue (then delete it) and why. */
export type Disposition = { action: 'delete' } | { action: 'dead-letter'; reason: string };

export interface HandlerDeps {
  routes: readonly Route[];
  start(file: FileRef, arrival: ObjectArrival): Promise<StartOutcome>;
  stats: IntakeStats;
  log: Logger;
}

/**
 * One notification body, every object in it. Routed objects are started (in parallel; each start is idempotent);
 * if a start fails the error propagates, so the message is neither deleted nor dead-lettered and comes back. The
 * message goes to the dead-letter queue, after the routable objects in it are started, when part of it cannot be
 * used: unparseable, a bucket no rule names, an object no rule takes. Redriving it later (after adding a rule) is
 * safe: what was started is not started again.
 */
export async function handleNotification(body: string, deps: HandlerDeps): Promise<Disposition> {
  const { stats, log } = deps;
  stats.messages += 1;
  let parsed: ReturnType<typeof parseNotification>;
  try {
    parsed = parseNotification(body);
  } catch (e) {
    if (!(e instanceof UnusableNotification)) throw e;
    log.warn('unusable notification: dead-lettered', { reason: e.message, body: body.slice(0, 500) });
    return { action: 'dead-letter', reason: e.message };
  }
  if (parsed.kind === 'test') {
    stats.testEvents += 1;
    log.info('s3:TestEvent received: the bucket notification reaches the intake', { bucket: parsed.bucket });
    return { action: 'delete' };
  }
  stats.skipped += parsed.skipped.length;
  for (const s of parsed.skipped) log.info('not an object-created event: skipped', { ...s });
  const buckets = routedBuckets(deps.routes);
  const problems: string[] = [];
  const starts: Promise<void>[] = [];
  for (const arrival of parsed.arrivals) {
    stats.arrivals += 1;
    const routed = routeOf(deps.routes, arrival.bucket, arrival.key);
    if (!routed) {
      const reason = buckets.has(arrival.bucket)
        ? `no routing rule takes s3://${arrival.bucket}/${arrival.key}`
        : `unknown bucket ${arrival.bucket} (no routing rule names it): s3://${arrival.bucket}/${arrival.key}`;
      problems.push(reason);
      stats.unrouted += 1;
      remember(stats.recentUnrouted, {
        bucket: arrival.bucket,
        key: arrival.key,
        reason,
        at: new Date().toISOString(),
      });
      log.warn('object not routed: dead-lettered for a person to route', {
        bucket: arrival.bucket,
        key: arrival.key,
        reason,
      });
      continue;
    }
    const file: FileRef = {
      bucket: arrival.bucket,
      key: arrival.key,
      etag: arrival.etag,
      tenant: routed.tenant,
      logType: routed.logType,
    };
    starts.push(
      deps.start(file, arrival).then((outcome) => {
        if (outcome === 'started') stats.started += 1;
        else stats.alreadyStarted += 1;
        log.info(`ingest ${outcome}`, {
          bucket: file.bucket,
          key: file.key,
          etag: file.etag,
          tenant: file.tenant,
          logType: file.logType,
          via: arrival.via,
          rule: routed.route.rule,
        });
      }),
    );
  }
  // All starts settle before a failure is rethrown, so none is left running unobserved.
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return problems.length ? { action: 'dead-letter', reason: problems.join('; ') } : { action: 'delete' };
}
