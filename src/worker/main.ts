import { loadConfig } from '../config/load';
import { createLogger } from '../shared/log';
import { serveHealth } from './health';
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
    ...(cfg.deploy.versioning ? { deployment: cfg.deploy.deploymentName, buildId: cfg.deploy.buildId } : {}),
  });
  const running = worker.run();
  let health: Awaited<ReturnType<typeof serveHealth>> | undefined;
  try {
    if (cfg.deploy.healthPort) health = await serveHealth(worker, cfg.deploy.healthPort);
  } catch (e) {
    // A container whose health port is taken would be killed as unhealthy anyway: say why, and stop cleanly.
    log.error('health endpoint failed to start', { port: cfg.deploy.healthPort, error: (e as Error).message });
    worker.shutdown();
    await running.catch(() => undefined);
    await close();
    throw e;
  }
  try {
    await running;
  } finally {
    health?.close();
    await close();
    log.info('worker stopped');
  }
}
