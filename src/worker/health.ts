import { createServer, type Server } from 'node:http';
import type { WorkerGroup } from './worker';

/**
 * GET /healthz for the container's HEALTHCHECK and ECS's container health check: 200 while every poller of this
 * process is running, 503 once one has stopped or failed (the task is then replaced). It reports the worker's own
 * state only, never a dependency's: a sink outage is waited out by retries and must not make ECS cycle the fleet.
 * Bound to loopback, since both checks run inside the container.
 */
export async function serveHealth(group: WorkerGroup, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    const states = group.workers.map((w) => w.getState());
    const ok = states.every((s) => s === 'RUNNING');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok, pollers: states }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
