import { loadConfig } from '../config/load';
import { createLogger } from '../shared/log';
import { createWorker } from './worker';

/**
 * `sluice worker`: one process of the fleet. Temporal's runtime turns SIGINT/SIGTERM into a graceful
 * shutdown: polling stops, in-flight activities finish within the grace time or are handed back for retry.
 */
export async function runWorker(): Promise<void> {
  const cfg = loadConfig();
  const log = createLogger(cfg.log.level, { component: 'worker' });
  const { worker, close } = await createWorker(cfg, { log });
  log.info('worker started', {
    taskQueue: cfg.temporal.taskQueue,
    namespace: cfg.temporal.namespace,
    temporal: cfg.temporal.address,
  });
  try {
    await worker.run();
  } finally {
    await close();
    log.info('worker stopped');
  }
}
