import { defineQuery } from '@temporalio/workflow';
import type { ScanProgress } from './scan';

/** The reconciliation scan's and a backfill's workflow type (one workflow serves both). */
export const SCAN_WORKFLOW = 'scanObjects';

/** Progress of a scan or backfill: counts, rate and ETA come from it (`sluice status`, `sluice backfill`). */
export const scanProgressQuery = defineQuery<ScanProgress>('scanProgress');
