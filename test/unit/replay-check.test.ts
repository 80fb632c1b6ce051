import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayCheck } from '../../src/ops/replay-check';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');

// Replay needs no server: the histories are replayed against the workflow code bundled from source.
describe('replay check of recorded histories', () => {
  it('replays every recorded history, a file parked then dropped included, with the current code', async () => {
    const outcomes = await replayCheck(FIXTURES);
    expect(outcomes.map((o) => path.basename(o.file)).sort()).toEqual([
      'ingest-cloudtrail.json',
      'ingest-parked-then-dropped.json',
      'ingest-suricata.json',
      'ingest-zeek-gzip-multichunk.json',
      'ingest-zeek.json',
    ]);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  }, 180_000);

  it('fails a history the code would no longer follow, naming the file and the nondeterminism', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-replay-'));
    // As if the workflow had been changed to schedule another activity first, without a patch.
    const history = readFileSync(path.join(FIXTURES, 'ingest-zeek.json'), 'utf8').replace(
      '"name": "splitFile"',
      '"name": "splitFileV2"',
    );
    writeFileSync(path.join(dir, 'changed.json'), history);
    writeFileSync(path.join(dir, 'same.json'), readFileSync(path.join(FIXTURES, 'ingest-suricata.json')));
    const outcomes = await replayCheck(dir);
    const changed = outcomes.find((o) => o.file.endsWith('changed.json'));
    expect(changed?.nondeterministic).toBe(true);
    expect(changed?.error).toMatch(/splitFile/);
    expect(outcomes.find((o) => o.file.endsWith('same.json'))?.error).toBeUndefined();
  }, 180_000);

  it('refuses a file that is not a history, saying which', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-replay-'));
    writeFileSync(path.join(dir, 'notes.json'), '{"hello": "world"}');
    await expect(replayCheck(dir)).rejects.toThrow(/notes\.json is not a workflow history/);
  }, 60_000);
});
