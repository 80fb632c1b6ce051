import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIngestClient } from '../../src/client/ingest-client';
import { generateEvents } from '../../src/demo/generate';
import { cfg } from '../helpers/env';
import { sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';

/**
 * No container engine here, so this runs the image's own steps (deploy/image/verify.sh, the same steps.sh the
 * Dockerfile's RUN lines call) in a clean directory as an unprivileged user, starts the image's ENTRYPOINT
 * (tini → node bin/sluice.js worker) against this stack and probes it with the image's HEALTHCHECK command.
 */
const verify = path.resolve(__dirname, '..', '..', 'deploy', 'image', 'verify.sh');
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/tini');
if (!canRun)
  console.warn(
    'container image test skipped: needs root (to create the unprivileged user) and /usr/bin/tini (.ci/install-tini)',
  );

function sh(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(
      'bash',
      [verify, ...args],
      { env: { ...process.env, ...env }, timeout: 1_200_000, maxBuffer: 64 << 20 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out, err }),
    ),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe.runIf(canRun)('container image steps (deploy/image/verify.sh)', () => {
  let dir: string;
  let worker: ChildProcess | undefined;
  let logs = '';
  const taskQueue = uniq('image');
  const env: NodeJS.ProcessEnv = { SLUICE_TASK_QUEUE: taskQueue, SLUICE_LOG_LEVEL: 'info' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sluice-image-'));
    env.SLUICE_WORKER_HEALTH_PORT = String(await freePort());
    const built = await sh(['build', dir]);
    expect(built.code, built.err).toBe(0);
  }, 1_200_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('builds production dependencies and the prebuilt workflow bundle only', () => {
    expect(existsSync(path.join(dir, 'app', 'dist', 'workflows', 'bundle.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'app', 'node_modules', '@temporalio', 'worker'))).toBe(true);
    for (const dev of ['typescript', 'vitest', 'aws-cdk-lib', '@biomejs/biome']) {
      expect(existsSync(path.join(dir, 'app', 'node_modules', dev)), dev).toBe(false);
    }
  });

  it('starts as an unprivileged user under tini, answers its health check, ingests, and stops cleanly on SIGTERM', async () => {
    const health = async () => (await sh(['health', dir], env)).code;
    expect(await health()).not.toBe(0); // nothing listens yet: the check must be able to fail
    worker = spawn('bash', [verify, 'start', dir], { env: { ...process.env, ...env } });
    const exited = new Promise<number | null>((r) => worker?.on('exit', (code) => r(code)));
    worker.stderr?.on('data', (d: Buffer) => {
      logs += d.toString();
    });
    let ok = false;
    for (let i = 0; i < 180 && !ok; i++) {
      ok = (await health()) === 0;
      if (!ok) await new Promise((r) => setTimeout(r, 1000));
      expect(worker.exitCode, logs).toBeNull();
    }
    expect(ok, logs).toBe(true);
    const owner = await new Promise<string>((resolve) =>
      execFile('ps', ['-o', 'user=', '--ppid', String(worker?.pid)], (_e, out) => resolve(out.trim())),
    );
    expect(owner).toBe('sluice-verify'); // the worker under tini runs as the unprivileged user

    const tenant = uniq('image');
    const ref = await upload(
      await writeLines(path.join(await tempDir(), 'conn.ndjson'), generateEvents('zeek', 300, 5)),
      tenant,
      'zeek',
    );
    const client = await connectIngestClient({ ...cfg, temporal: { ...cfg.temporal, taskQueue } });
    try {
      const summary = (await (await client.start(ref)).result()) as { parsed: number };
      expect(summary.parsed).toBe(300);
    } finally {
      await client.close();
    }
    expect(await sinkCounts(tenant)).toEqual({
      s3: 300,
      s3Distinct: 300,
      opensearch: 300,
      snowflake: { rows: 300, distinct: 300 },
    });

    worker.kill('SIGTERM');
    expect(await exited, logs).toBe(0);
    expect(logs).toContain('"msg":"worker stopped"');
  });
});
