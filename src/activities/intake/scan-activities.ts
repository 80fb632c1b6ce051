import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import type { SluiceConfig } from '../../config/load';
import type { ScanPageInput, ScanPageResult, ScanRoute, ScanWindow } from '../../contracts/scan';
import { parseRoutes, type Route, routeOf } from '../../intake/routes';
import { startOnce } from '../../intake/start-once';
import type { Logger } from '../../shared/log';

export interface ScanDeps {
  cfg: SluiceConfig;
  s3: S3Client;
  log: Logger;
}

const watermarkKey = (name: string) => `intake/scan-watermark/${encodeURIComponent(name)}.json`;
const DAY = 86_400_000;

/** A Temporal client opened on first use: only workers that run scans or backfills need one. */
function lazyClient(cfg: SluiceConfig): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  return () => {
    client ??= Connection.connect({ address: cfg.temporal.address }).then(
      (connection) => new Client({ connection, namespace: cfg.temporal.namespace }),
    );
    return client;
  };
}

const toRoute = (r: ScanRoute): Route => {
  const [route] = parseRoutes(`${r.bucket}/${r.pattern}=${r.tenant}:${r.logType}`);
  return { ...(route as Route), rule: r.rule };
};

export function createScanActivities(deps: ScanDeps) {
  const client = lazyClient(deps.cfg);
  const { s3, cfg } = deps;

  return {
    /** The window a scheduled scan covers: from its watermark (less the overlap) to now. */
    async beginScan(name: string): Promise<ScanWindow> {
      const until = new Date().toISOString();
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: cfg.s3.stagingBucket, Key: watermarkKey(name) }));
        const { watermark } = JSON.parse(
          await (obj.Body as { transformToString(): Promise<string> }).transformToString(),
        ) as {
          watermark: string;
        };
        return { since: new Date(Date.parse(watermark) - cfg.intake.scanOverlap).toISOString(), until };
      } catch (e) {
        if ((e as Error).name !== 'NoSuchKey') throw e;
        // First scan ever: everything the routes take.
        return { until };
      }
    },

    /** Records how far a finished scan got; the next starts there (less the overlap). */
    async saveWatermark(input: { name: string; watermark: string }): Promise<void> {
      const { name, watermark } = input;
      await s3.send(
        new PutObjectCommand({
          Bucket: cfg.s3.stagingBucket,
          Key: watermarkKey(name),
          Body: JSON.stringify({ watermark, savedAt: new Date().toISOString() }),
          ContentType: 'application/json',
        }),
      );
    },

    /**
     * The prefixes to list for a route: its literal prefix, with `*` segments expanded by a delimiter listing and
     * `{yyyy}/{mm}/{dd}` filled with the days of the window, so a dated layout (CloudTrail's) is listed only for
     * the days a scan needs, however many years the bucket holds.
     */
    async routePrefixes(input: { route: ScanRoute; window?: ScanWindow }): Promise<string[]> {
      const { route, window } = input;
      const parts = route.pattern.split(/(?<=\/)/);
      let prefixes = [''];
      for (const part of parts) {
        if (!/\*|\{(yyyy|mm|dd|hh)\}/.test(part)) {
          prefixes = prefixes.map((p) => p + part);
          continue;
        }
        if (part.includes('{yyyy}') && window?.since) {
          prefixes = prefixes.flatMap((p) => datePrefixes(window, parts.slice(parts.indexOf(part))).map((d) => p + d));
          return prefixes;
        }
        if (part === '*/') {
          const next: string[] = [];
          for (const p of prefixes) next.push(...(await commonPrefixes(s3, route.bucket, p)));
          prefixes = next;
          Context.current().heartbeat();
          continue;
        }
        // Any other wildcard: list from here and let the route's pattern filter.
        return prefixes;
      }
      return prefixes;
    },

    /**
     * One listing page (up to 1,000 keys) of a prefix, after `startAfter`: the objects in the window that the route
     * takes are started, once each (an object already started, by a notification or an earlier scan, is counted
     * and left). With a rate, starts are spaced to it; a retried attempt resumes after the last key it reported.
     */
    async scanPage(input: ScanPageInput): Promise<ScanPageResult> {
      const ctx = Context.current();
      const route = toRoute(input.route);
      const resumed = ctx.info.heartbeatDetails as { after: string; counts: ScanPageResult } | undefined;
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: input.route.bucket,
          Prefix: input.prefix,
          StartAfter: input.startAfter,
          MaxKeys: 1000,
        }),
      );
      const counts: ScanPageResult = resumed?.counts ?? { listed: 0, matched: 0, started: 0, alreadyStarted: 0 };
      const contents = page.Contents ?? [];
      if (!resumed) counts.listed = contents.length;
      const since = input.window?.since ? Date.parse(input.window.since) : undefined;
      const until = input.window?.until ? Date.parse(input.window.until) : undefined;
      const spacing = input.ratePerSecond ? 1000 / input.ratePerSecond : 0;
      const temporal = await client();
      let nextAt = Date.now();
      // What a retried attempt resumes from: the last key started and the counts so far.
      let progressMark = resumed;
      for (const o of contents) {
        if (!o.Key || !o.ETag || (resumed && o.Key <= resumed.after)) continue;
        const modified = o.LastModified?.getTime() ?? 0;
        if ((since !== undefined && modified < since) || (until !== undefined && modified >= until)) continue;
        const routed = routeOf([route], input.route.bucket, o.Key);
        if (!routed) continue;
        counts.matched += 1;
        if (spacing) {
          // Short sleeps with heartbeats between: at a slow rate a dead worker is still noticed within seconds.
          for (let wait = nextAt - Date.now(); wait > 0; wait = nextAt - Date.now()) {
            await new Promise((r) => setTimeout(r, Math.min(wait, 2000)));
            ctx.heartbeat(progressMark);
          }
          nextAt = Math.max(nextAt, Date.now() - spacing) + spacing;
        }
        const outcome = await startOnce(temporal, cfg, {
          bucket: input.route.bucket,
          key: o.Key,
          etag: o.ETag.replace(/^"|"$/g, ''),
          tenant: routed.tenant,
          logType: routed.logType,
        });
        if (outcome === 'started') counts.started += 1;
        else counts.alreadyStarted += 1;
        progressMark = { after: o.Key, counts: { ...counts } };
        ctx.heartbeat(progressMark);
      }
      const last = contents[contents.length - 1]?.Key;
      return { ...counts, nextStartAfter: page.IsTruncated && last ? last : undefined };
    },

    /** How many objects of a prefix the route takes in the window (a backfill's total, for its ETA). */
    async countMatching(input: { route: ScanRoute; prefix: string; window?: ScanWindow }): Promise<number> {
      const ctx = Context.current();
      const route = toRoute(input.route);
      const since = input.window?.since ? Date.parse(input.window.since) : undefined;
      const until = input.window?.until ? Date.parse(input.window.until) : undefined;
      let token: string | undefined;
      let n = 0;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: input.route.bucket, Prefix: input.prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const modified = o.LastModified?.getTime() ?? 0;
          if ((since !== undefined && modified < since) || (until !== undefined && modified >= until)) continue;
          if (o.Key && routeOf([route], input.route.bucket, o.Key)) n += 1;
        }
        token = page.NextContinuationToken;
        ctx.heartbeat(n);
      } while (token);
      return n;
    },
  };
}

async function commonPrefixes(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/**
 * The listing prefixes for every day the window touches: the pattern's parts from its `{yyyy}` on, dates filled
 * in, up to the first part a date cannot fill (a wildcard, an hour); the route's pattern filters what is below.
 */
export function datePrefixes(window: ScanWindow, parts: readonly string[]): string[] {
  const from = Date.parse(window.since as string);
  const to = window.until ? Date.parse(window.until) : Date.now();
  const fixed: string[] = [];
  for (const p of parts) {
    if (/\*|\{hh\}/.test(p)) break;
    fixed.push(p);
  }
  const out = new Set<string>();
  for (let t = Math.floor(from / DAY) * DAY; t <= to; t += DAY) {
    const d = new Date(t).toISOString();
    const fill = (p: string) =>
      p.replace('{yyyy}', d.slice(0, 4)).replace('{mm}', d.slice(5, 7)).replace('{dd}', d.slice(8, 10));
    out.add(fixed.map(fill).join(''));
  }
  return [...out];
}
