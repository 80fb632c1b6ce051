import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReplayRejectedInput, ReplayRejectedResult } from '../contracts/ingest';

const { replayRejected } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Re-sends the records sinks rejected (after a fix), each to the sink that rejected it. */
export async function replayRejectedRecords(input: { objects: ReplayRejectedInput[] }): Promise<ReplayRejectedResult> {
  const total: ReplayRejectedResult = { written: 0, stillRejected: 0 };
  for (const o of input.objects) {
    const r = await replayRejected(o);
    total.written += r.written;
    total.stillRejected += r.stillRejected;
  }
  return total;
}
