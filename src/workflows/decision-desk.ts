import { condition, log, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ApproveRequest, AwaitingDecision, DecisionRecord, DropRequest, StageRetry } from '../contracts/ingest';
import {
  approveSignal,
  approveUpdate,
  dropSignal,
  dropUpdate,
  validateApprove,
  validateDrop,
} from '../contracts/messages';
import { AwaitingDecisionSince, FailedStage, PipelineStatus } from '../contracts/search-attributes';
import type { IngestState } from './ingest-state';

export type Outcome = { kind: 'approve'; retry?: Partial<StageRetry> } | { kind: 'drop' };

/**
 * Where failed work waits for a person. Nothing here ever times out into a drop: work leaves only by an
 * explicit approve or drop (signal or update), and while it waits the workflow reminds at an interval.
 */
export class DecisionDesk {
  private nextId: number;
  private readonly outcomes = new Map<number, { outcome: Outcome; record: DecisionRecord }>();

  constructor(
    private readonly progress: IngestState,
    private readonly reminderInterval: number,
  ) {
    // Ids stay unique across continue-as-new: a new run goes on after the decisions its progress carries.
    this.nextId = Math.max(0, ...progress.decisions.map((d) => d.awaitingId)) + 1;
  }

  install(): void {
    // A signal cannot be refused: a malformed one is logged and ignored (never thrown: that would fail the
    // workflow task and wedge the workflow), and the work keeps waiting.
    setHandler(approveSignal, (req) => {
      try {
        validateApprove(req);
        const decided = this.approve(req ?? {});
        if (!decided.length) log.warn('approve signal: nothing awaits a decision', { stage: req?.stage });
      } catch (e) {
        log.warn('approve signal ignored', { error: (e as Error).message });
      }
    });
    setHandler(dropSignal, (req) => {
      try {
        validateDrop(req);
        if (!this.drop(req).length) log.warn('drop signal: nothing awaits a decision', { stage: req.stage });
      } catch (e) {
        log.warn('drop signal ignored', { error: (e as Error).message });
      }
    });

    setHandler(approveUpdate, (req) => ({ decided: this.approve(req ?? {}) }), {
      validator: (req) => {
        validateApprove(req);
        this.requireAwaiting(req?.stage);
      },
    });
    setHandler(dropUpdate, (req) => ({ decided: this.drop(req) }), {
      validator: (req) => {
        validateDrop(req);
        this.requireAwaiting(req.stage);
      },
    });
  }

  /** Parks one piece of failed work and resolves with the decision taken on it. */
  async park(item: Omit<AwaitingDecision, 'id' | 'since'>): Promise<{ outcome: Outcome; record: DecisionRecord }> {
    const awaiting: AwaitingDecision = { ...item, id: this.nextId++, since: new Date().toISOString() };
    this.progress.awaiting.push(awaiting);
    this.publish();
    log.warn('awaiting a decision', { ...awaiting });
    while (!this.outcomes.has(awaiting.id)) {
      const decided = await condition(() => this.outcomes.has(awaiting.id), this.reminderInterval);
      // One reminder per interval for the file, from its oldest waiting work.
      if (!decided && this.progress.awaiting[0]?.id === awaiting.id) {
        this.progress.reminders += 1;
        this.progress.lastReminderAt = new Date().toISOString();
        log.warn('reminder: still awaiting a decision', {
          since: awaiting.since,
          awaiting: this.progress.awaiting.length,
        });
      }
    }
    this.progress.awaiting = this.progress.awaiting.filter((a) => a.id !== awaiting.id);
    this.publish();
    return this.outcomes.get(awaiting.id) as { outcome: Outcome; record: DecisionRecord };
  }

  private matching(stage: string | undefined): AwaitingDecision[] {
    return this.progress.awaiting.filter((a) => !stage || a.stage === stage).filter((a) => !this.outcomes.has(a.id));
  }

  private requireAwaiting(stage: string | undefined): void {
    if (!this.matching(stage).length) {
      throw new Error(stage ? `nothing of stage "${stage}" awaits a decision` : 'nothing awaits a decision');
    }
  }

  private decide(items: AwaitingDecision[], outcome: Outcome, by?: string, reason?: string): number[] {
    const at = new Date().toISOString();
    for (const a of items) {
      const record: DecisionRecord = {
        kind: outcome.kind,
        awaitingId: a.id,
        stage: a.stage,
        chunks: a.chunks,
        by,
        reason,
        at,
      };
      this.outcomes.set(a.id, { outcome, record });
      this.progress.decisions.push(record);
    }
    return items.map((a) => a.id);
  }

  private approve(req: ApproveRequest): number[] {
    return this.decide(this.matching(req.stage), { kind: 'approve', retry: req.retry }, req.by);
  }

  private drop(req: DropRequest): number[] {
    return this.decide(this.matching(req.stage), { kind: 'drop' }, req.by, req.reason);
  }

  /** Search attributes: how operators find waiting files in the Web UI and with `temporal workflow list`. */
  private publish(): void {
    const oldest = this.progress.awaiting[0];
    if (oldest) {
      this.progress.status = 'AwaitingDecision';
      upsertSearchAttributes([
        { key: PipelineStatus, value: 'AwaitingDecision' },
        { key: FailedStage, value: oldest.stage },
        { key: AwaitingDecisionSince, value: new Date(oldest.since) },
      ]);
    } else {
      this.progress.status = 'Running';
      upsertSearchAttributes([
        { key: PipelineStatus, value: 'Running' },
        { key: FailedStage, value: null },
        { key: AwaitingDecisionSince, value: null },
      ]);
    }
  }
}
