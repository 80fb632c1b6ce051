import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, HistoryAndWorkflowId } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowCode } from '../worker/workflow-code';

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  runId: string;
  /** Absent when the history replayed cleanly. */
  error?: string;
  /** True when the code took a different path than the history (a determinism violation): unsafe to deploy. */
  nondeterministic?: boolean;
}

/** History files of a directory and its subdirectories (`*.json`, as `temporal workflow show -o json` writes). */
export function historyFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Replays every recorded history in `dir` against this build's workflow code (the bundle a deployed worker
 * loads). A workflow that has waited days for a decision auto-upgrades to new code at its next task; if that
 * code would decide differently at any point of the recorded history, the task fails and the file is stuck, so
 * this runs before a deploy and any violation blocks it.
 */
export async function replayCheck(dir: string): Promise<ReplayOutcome[]> {
  const files = historyFiles(dir);
  const byId = new Map<string, string>();
  const histories = function* (): Generator<HistoryAndWorkflowId> {
    for (const file of files) {
      const workflowId = `replay-check/${path.relative(dir, file)}`;
      byId.set(workflowId, file);
      let history: ReturnType<typeof historyFromJSON>;
      try {
        history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
      } catch (e) {
        throw new Error(`${file} is not a workflow history in Temporal's JSON form: ${(e as Error).message}`);
      }
      yield { workflowId, history };
    }
  };
  quietRuntime();
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories({ ...workflowCode(), replayName: 'sluice-replay-check' }, histories());
  for await (const r of results) {
    outcomes.push({
      file: byId.get(r.workflowId) ?? r.workflowId,
      workflowId: r.workflowId,
      runId: r.runId,
      ...(r.error ? { error: r.error.message, nondeterministic: r.error.name === 'DeterminismViolationError' } : {}),
    });
  }
  return outcomes;
}

/** The replay worker's state changes are noise in a report of pass/fail; warnings and errors still show. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime is already installed (a worker or a test in this process): keep its logger.
  }
}

/**
 * Saves the histories of the workflows a query finds (by default every ingest workflow still open: the ones a
 * deploy will move to new code) as `<dir>/<n>-<workflow id, made safe>.json`. Returns the files written.
 */
export async function recordHistories(client: Client, dir: string, query: string, limit: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for await (const { workflowId, history } of client.workflow.list({ query, pageSize: 100 }).intoHistories()) {
    if (!history) continue;
    const name = `${String(written.length + 1).padStart(4, '0')}-${workflowId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120)}.json`;
    const file = path.join(dir, name);
    writeFileSync(file, historyToJSON(history));
    written.push(file);
    if (written.length >= limit) break;
  }
  return written;
}
