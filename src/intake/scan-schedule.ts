import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { SluiceConfig } from '../config/load';
import type { ScanInput, ScanRoute } from '../contracts/scan';
import { SCAN_WORKFLOW } from '../contracts/scan-messages';
import type { Logger } from '../shared/log';
import type { Route } from './routes';

export const SCAN_SCHEDULE_ID = 'sluice-intake-scan';

export const toScanRoute = (r: Route): ScanRoute => ({
  rule: r.rule,
  bucket: r.bucket,
  pattern: r.pattern,
  listPrefix: r.listPrefix,
  tenant: r.tenant,
  logType: r.logType,
});

/**
 * The reconciliation scan's Temporal Schedule (the Web UI's Schedules page shows it), created or brought up to
 * date with the intake's routes and interval each time an intake starts. One scan at a time: a run still going
 * when the next is due makes that one skip.
 */
export async function ensureScanSchedule(
  client: Client,
  cfg: SluiceConfig,
  routes: readonly Route[],
  log: Logger,
  scheduleId = SCAN_SCHEDULE_ID,
): Promise<void> {
  const args: [ScanInput] = [
    { kind: 'scan', name: scheduleId, routes: routes.map(toScanRoute), pagesPerRun: cfg.intake.scanPagesPerRun },
  ];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: SCAN_WORKFLOW,
    workflowId: scheduleId,
    taskQueue: cfg.temporal.taskQueue,
    args,
  };
  const spec = { intervals: [{ every: cfg.intake.scanInterval }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: cfg.intake.scanInterval };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    log.info('reconciliation scan scheduled', { schedule: scheduleId, every: cfg.intake.scanInterval });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action, policies }));
  }
}
