import type { Setting } from './settings';

/** How `sluice ingest --wait` and `sluice status --watch` report progress on long work. */
export const PROGRESS_SETTINGS = [
  {
    key: 'progress.interval',
    env: 'SLUICE_PROGRESS_INTERVAL',
    kind: 'duration',
    default: '1s',
    min: 100,
    doc: 'How often `ingest --wait` and `status --watch` ask a running file for its progress and redraw the live line on a terminal.',
  },
  {
    key: 'progress.plainInterval',
    env: 'SLUICE_PROGRESS_PLAIN_INTERVAL',
    kind: 'duration',
    default: '30s',
    min: 0,
    doc: 'When output is not a terminal (a log, a pipe): the longest gap between two plain progress lines; a line is also printed whenever the file starts or stops waiting.',
  },
] as const satisfies readonly Setting[];
