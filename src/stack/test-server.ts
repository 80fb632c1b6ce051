import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureMavenClasspath } from './maven-install';
import { PINS } from './tools';

type Progress = (line: string) => void;

const LAUNCHER = 'temporal-test-server';

/**
 * Temporal's Java test server (the time-skipping one), installed from Maven Central instead of the native binary
 * `TestWorkflowEnvironment.createTimeSkipping()` would download: the jar and its runtime dependencies go into
 * `<toolsDir>/temporal-test-server-<version>/lib/` once, next to a `temporal-test-server` launcher script. Pass the
 * returned launcher as `server.executable: { type: 'existing-path', path }`; the SDK runs it as `<launcher> <port>
 * [extraArgs…]`, exactly the arguments `io.temporal.testserver.TestServer` takes.
 */
export async function ensureTestServer(toolsDir: string, progress: Progress): Promise<string> {
  const { artifact, version } = PINS.testServer;
  const lib = await ensureMavenClasspath('temporal-test-server', artifact, version, toolsDir, progress);
  const launcher = path.join(path.dirname(lib), LAUNCHER);
  if (existsSync(launcher)) return launcher;
  // The script finds its jars next to itself. `exec` matters: the SDK stops the server by killing the process it
  // started, which must be the JVM, not a shell.
  writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      `# Temporal time-skipping test server ${version} (${artifact}), installed by sluice.`,
      '# Usage: temporal-test-server <port> [--enable-time-skipping]; the TypeScript SDK passes only the port and',
      '# unlocks time skipping itself while a test awaits a workflow result.',
      'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
      'exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return launcher;
}
