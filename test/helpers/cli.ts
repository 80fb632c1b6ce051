import { execFile } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(__dirname, '..', '..', 'bin', 'sluice.js');

/**
 * Runs the `sluice` CLI as a user does. Asynchronous on purpose: tests often run the worker in their own
 * process, and it must keep polling while the CLI waits.
 */
export function runSluice(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 240_000,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, out, err) => resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out, err }),
    ),
  );
}
