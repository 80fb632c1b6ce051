import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/worker/workflow-code';
import { HISTORIES_DIR, historyFromFixture } from '../helpers/workflow-env';

// Histories of representative runs, recorded from the workflow tests (SLUICE_RECORD_HISTORIES=1; see README,
// "Replay safety"), replayed against the current workflow code: a change that would make a running workflow
// take a different path on replay (a nondeterminism error) fails here, not in production.
const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replay safety', () => {
  it('covers the representative runs', () => {
    const names = new Set(files.map((f) => f.replace(/(-run\d+)?\.json$/, '')));
    expect([...names].sort()).toEqual(['bisected', 'multi-run', 'parked-approved', 'parked-dropped', 'small-file']);
    expect(files.filter((f) => f.startsWith('multi-run-run')).length).toBeGreaterThan(1);
  });

  it('replays every recorded history with the current workflow code', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromFixture(readFileSync(path.join(HISTORIES_DIR, f), 'utf8')),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories(
      { workflowsPath: workflowsPath(), replayName: 'fixtures' },
      histories,
    )) {
      replayed += 1;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
