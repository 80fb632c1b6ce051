/**
 * Names of Sluice's own metrics, shared by the emitters (workflow, activity interceptor, collector), the alert
 * rules and the dashboard, so a rename cannot leave a rule or a panel querying nothing. Counters are exported
 * with a `_total` suffix. No imports: the workflow bundle loads this file.
 */
export const M = {
  // From the workflow, when the result is accepted (replays emit nothing), so retries never double-count.
  fileDelay: 'sluice_file_delay_seconds',
  filesFinished: 'sluice_files_finished',
  stageSeconds: 'sluice_stage_seconds',
  recordsRead: 'sluice_records_read',
  recordsParsed: 'sluice_records_parsed',
  recordsQuarantined: 'sluice_records_quarantined',
  recordsWritten: 'sluice_records_written',
  recordsRejected: 'sluice_records_rejected',
  bisections: 'sluice_bisections',
  bytesRead: 'sluice_bytes_read',
  chunksSplit: 'sluice_chunks_split',
  chunksCompleted: 'sluice_chunks_completed',
  parked: 'sluice_work_parked',
  // From every activity attempt (a worker interceptor).
  activityAttempts: 'sluice_activity_attempts',
  activityFailures: 'sluice_activity_failures',
  activitySeconds: 'sluice_activity_seconds',
  // Per worker process, sampled.
  throttleLimit: 'sluice_sink_throttle_limit',
  throttlePaused: 'sluice_sink_throttle_paused',
  throttleEvents: 'sluice_sink_throttle_events',
  // From the one collector.
  files: 'sluice_files',
  oldestRunning: 'sluice_oldest_running_file_seconds',
  oldestAwaiting: 'sluice_oldest_awaiting_decision_seconds',
  backlog: 'sluice_task_queue_backlog',
  backlogAge: 'sluice_task_queue_backlog_age_seconds',
  collectorUp: 'sluice_collector_success',
} as const;

/** Bucket bounds (seconds) of the histograms: from sub-second small files to a day-long outage. */
export const DELAY_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400];
export const ACTIVITY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
