import { request } from 'node:http';

/**
 * The image's HEALTHCHECK command (`node dist/worker/healthcheck.js`): exits 0 when the worker in this container
 * answers /healthz with 200. Kept apart from the CLI so a check every few seconds loads no SDK and no config.
 */
const port = Number(process.env.SLUICE_WORKER_HEALTH_PORT || 8080);
const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (e) => {
  process.stderr.write(`healthcheck: ${e.message}\n`);
  process.exit(1);
});
req.end();
