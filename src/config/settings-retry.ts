import { SINK_NAMES, SINK_SPECS } from '../contracts/sinks';
import type { Setting } from './settings';

/** Per-stage retry: a stage retries with backoff until its window runs out, then the file waits for a person. */
function retrySettings<S extends string>(stage: S, env: string, window: string, initial: string) {
  return [
    {
      key: `retry.${stage}.window` as const,
      env: `SLUICE_RETRY_${env}_WINDOW`,
      kind: 'duration',
      default: window,
      min: 1000,
      doc: `Total time the ${stage} stage keeps retrying one piece of work before the file waits for a decision.`,
    },
    {
      key: `retry.${stage}.initialInterval` as const,
      env: `SLUICE_RETRY_${env}_INITIAL_INTERVAL`,
      kind: 'duration',
      default: initial,
      min: 1,
      doc: `First retry delay of the ${stage} stage.`,
    },
    {
      key: `retry.${stage}.maximumInterval` as const,
      env: `SLUICE_RETRY_${env}_MAX_INTERVAL`,
      kind: 'duration',
      default: '10m',
      min: 1,
      doc: `Longest delay between retries of the ${stage} stage.`,
    },
    {
      key: `retry.${stage}.backoffCoefficient` as const,
      env: `SLUICE_RETRY_${env}_BACKOFF`,
      kind: 'number',
      default: '2',
      min: 1,
      max: 10,
      doc: `Growth of the ${stage} stage's retry delay.`,
    },
    {
      key: `retry.${stage}.nonRetryableErrorTypes` as const,
      env: `SLUICE_RETRY_${env}_NON_RETRYABLE`,
      kind: 'list',
      default: '',
      doc: `Comma-separated error types the ${stage} stage never retries, on top of the built-in permanent ones.`,
    },
  ] as const satisfies readonly Setting[];
}

export const RETRY_SETTINGS = [
  ...retrySettings('split', 'SPLIT', '6h', '5s'),
  ...retrySettings('process', 'PROCESS', '2h', '1s'),
  ...SINK_NAMES.flatMap((name) => {
    const spec = SINK_SPECS[name];
    return retrySettings(name, spec.env, spec.retry.window, spec.retry.initialInterval);
  }),
];
