import { describe, expect, it } from 'vitest';
import { datePrefixes } from '../../src/activities/intake/scan-activities';
import { formatScanProgress, parseRate, parseWhen } from '../../src/cli/backfill-command';
import type { FileRef } from '../../src/contracts/ingest';
import { handleNotification } from '../../src/intake/handle-notification';
import { newStats } from '../../src/intake/intake-stats';
import { parseRoutes } from '../../src/intake/routes';
import { createLogger } from '../../src/shared/log';
import { S3_TEST_EVENT, s3Event } from '../fixtures/s3-notifications';

const routes = parseRoutes('landing/in/=acme:json');
const log = createLogger('error');

function deps(start: (f: FileRef) => Promise<'started' | 'already started'>) {
  return { routes, stats: newStats(), log, start };
}

describe('handling one notification', () => {
  it('starts routed objects and dead-letters the message naming the ones no rule takes', async () => {
    const started: string[] = [];
    const d = deps(async (f) => {
      started.push(`${f.tenant}:${f.key}@${f.etag}`);
      return started.length === 1 ? 'started' : 'already started';
    });
    const body = s3Event([
      { bucket: 'landing', key: 'in/a.json', etag: 'e1' },
      { bucket: 'landing', key: 'out/b.json', etag: 'e2' },
      { bucket: 'elsewhere', key: 'in/c.json', etag: 'e3' },
      { bucket: 'landing', key: 'in/d.json', etag: 'e4' },
    ]);
    expect(await handleNotification(body, d)).toEqual({
      action: 'dead-letter',
      reason:
        'no routing rule takes s3://landing/out/b.json; unknown bucket elsewhere (no routing rule names it): s3://elsewhere/in/c.json',
    });
    expect(started.sort()).toEqual(['acme:in/a.json@e1', 'acme:in/d.json@e4']);
    expect(d.stats).toMatchObject({ messages: 1, arrivals: 4, started: 1, alreadyStarted: 1, unrouted: 2 });
  });

  it('deletes test events and fully routed messages', async () => {
    const d = deps(async () => 'started');
    expect(await handleNotification(S3_TEST_EVENT, d)).toEqual({ action: 'delete' });
    expect(await handleNotification(s3Event([{ bucket: 'landing', key: 'in/x', etag: 'e' }]), d)).toEqual({
      action: 'delete',
    });
    expect(d.stats).toMatchObject({ testEvents: 1, started: 1 });
  });

  it('rethrows a failed start (the message stays in the queue) after the other starts settle', async () => {
    let settled = 0;
    const d = deps(async (f) => {
      if (f.key === 'in/bad') throw new Error('temporal unavailable');
      await new Promise((r) => setTimeout(r, 20));
      settled += 1;
      return 'started';
    });
    const body = s3Event([
      { bucket: 'landing', key: 'in/bad', etag: 'e1' },
      { bucket: 'landing', key: 'in/good', etag: 'e2' },
    ]);
    await expect(handleNotification(body, d)).rejects.toThrow('temporal unavailable');
    expect(settled).toBe(1);
  });

  it('dead-letters what is not a notification, with the reason', async () => {
    const d = deps(async () => 'started');
    expect(await handleNotification('{"Records": "nope"', d)).toMatchObject({
      action: 'dead-letter',
      reason: expect.stringMatching(/^not JSON/),
    });
  });
});

describe('backfill options and progress', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('reads times as ISO or as an age', () => {
    expect(parseWhen('7d', now)).toBe('2026-11-18T12:00:00.000Z');
    expect(parseWhen('2026-11-01', now)).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseWhen('last week', now)).toThrow(/expected an ISO time/);
    expect(parseRate('20/s')).toBe(20);
    expect(parseRate('2.5')).toBe(2.5);
    expect(() => parseRate('fast')).toThrow(/starts per second/);
  });

  it('shows listed, started, already done, rate and ETA', () => {
    const p = {
      listed: 1000,
      matched: 900,
      started: 150,
      alreadyStarted: 50,
      total: 900,
      startedAt: new Date(now - 10_000).toISOString(),
      runs: 1,
      done: false,
    };
    expect(formatScanProgress(p, 20, now)).toBe(
      'listed 1000, matching 900, started 150, already done 50, 20.0/s (limit 20/s), ETA 35s',
    );
    expect(formatScanProgress({ ...p, done: true, runs: 3 }, 20, now)).toMatch(/, done, runs 3$/);
  });
});

describe('time-partitioned listing', () => {
  it('lists only the days of the window, as deep as dates reach', () => {
    const window = { since: '2026-11-24T23:30:00Z', until: '2026-11-26T00:10:00Z' };
    expect(datePrefixes(window, ['{yyyy}/', '{mm}/', '{dd}/'])).toEqual(['2026/11/24/', '2026/11/25/', '2026/11/26/']);
    expect(datePrefixes(window, ['dt={yyyy}-{mm}-{dd}/', '{hh}/', 'x'])).toEqual([
      'dt=2026-11-24/',
      'dt=2026-11-25/',
      'dt=2026-11-26/',
    ]);
    expect(
      datePrefixes({ since: '2026-12-31T22:00:00Z', until: '2027-01-01T01:00:00Z' }, ['{yyyy}/', '{mm}/', '*/']),
    ).toEqual(['2026/12/', '2027/01/']);
  });
});
