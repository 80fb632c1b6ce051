import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ScanCursor, ScanInput, ScanProgress } from '../contracts/scan';
import { scanProgressQuery } from '../contracts/scan-messages';

const listing = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/**
 * The reconciliation scan (run by a Temporal Schedule) and a backfill: walk the routes' prefixes page by page
 * and start every matching object not started yet. Listing and starting are activities; this only keeps the
 * cursor and counts, and continues as new every `pagesPerRun` pages, so a bucket of millions of objects costs a
 * chain of small histories. A scan ends by moving the watermark to the end of its window.
 */
export async function scanObjects(input: ScanInput): Promise<ScanProgress> {
  const progress: ScanProgress = input.resume
    ? { ...input.resume.progress, runs: input.resume.progress.runs + 1 }
    : {
        listed: 0,
        matched: 0,
        started: 0,
        alreadyStarted: 0,
        startedAt: new Date().toISOString(),
        runs: 1,
        done: false,
      };
  setHandler(scanProgressQuery, () => progress);
  let window = input.window;
  if (input.kind === 'scan' && !window) window = await listing.beginScan(input.name ?? 'scan');
  const cursor: ScanCursor = input.resume?.cursor ?? { route: 0, prefix: 0 };
  let prefixes = input.resume?.prefixes;
  if (input.kind === 'backfill' && progress.total === undefined) {
    let total = 0;
    for (const route of input.routes) {
      for (const prefix of await listing.routePrefixes({ route, window })) {
        total += await listing.countMatching({ route, prefix, window });
      }
    }
    progress.total = total;
  }
  let pages = 0;
  for (; cursor.route < input.routes.length; cursor.route += 1, cursor.prefix = 0, prefixes = undefined) {
    const route = input.routes[cursor.route];
    if (!route) break;
    prefixes ??= await listing.routePrefixes({ route, window });
    for (; cursor.prefix < prefixes.length; cursor.prefix += 1, cursor.startAfter = undefined) {
      const prefix = prefixes[cursor.prefix] as string;
      do {
        if (pages >= input.pagesPerRun || workflowInfo().continueAsNewSuggested) {
          await continueAsNew<typeof scanObjects>({ ...input, window, resume: { cursor, prefixes, progress } });
        }
        const page = await listing.scanPage({
          route,
          prefix,
          startAfter: cursor.startAfter,
          window,
          ratePerSecond: input.ratePerSecond,
        });
        pages += 1;
        progress.listed += page.listed;
        progress.matched += page.matched;
        progress.started += page.started;
        progress.alreadyStarted += page.alreadyStarted;
        cursor.startAfter = page.nextStartAfter;
      } while (cursor.startAfter !== undefined);
    }
  }
  if (input.kind === 'scan' && window?.until)
    await listing.saveWatermark({ name: input.name ?? 'scan', watermark: window.until });
  progress.done = true;
  return progress;
}
