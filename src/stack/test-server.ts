import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PINS, requireCommand } from './tools';

type Progress = (line: string) => void;

const MARKER = '.sluice-installed';
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
  const dir = path.join(toolsDir, `temporal-test-server-${version}`);
  const launcher = path.join(dir, LAUNCHER);
  // The launcher runs `java` from PATH each time, so check for it even when the jars are already there.
  requireCommand('java', 'the time-skipping test server is a Java program (Java 17 or later)');
  if (existsSync(path.join(dir, MARKER)) && existsSync(launcher)) return launcher;

  requireCommand(
    'mvn',
    `the time-skipping test server (${artifact}:${version}) is fetched from Maven Central with Maven`,
  );
  // Install into a scratch dir and rename, so an interrupted download never looks installed.
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const [groupId, artifactId] = artifact.split(':');
  writeFileSync(path.join(tmp, 'pom.xml'), pom(groupId, artifactId, version));
  const log = path.join(toolsDir, 'logs', 'temporal-test-server-install.log');
  const started = Date.now();
  progress(`installing ${artifact} ${version} (Maven Central; log: ${log})`);
  await runMaven(
    [
      '-B',
      '-q',
      '-f',
      path.join(tmp, 'pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${path.join(tmp, 'lib')}`,
    ],
    log,
    progress,
  );
  if (!existsSync(path.join(tmp, 'lib', `${artifactId}-${version}.jar`)))
    throw new Error(`Maven finished but ${artifactId}-${version}.jar is not in ${path.join(tmp, 'lib')}; see ${log}`);
  rmSync(path.join(tmp, 'pom.xml'), { force: true });
  rmSync(path.join(tmp, 'target'), { recursive: true, force: true });
  // The script finds its jars next to itself, so it works from the final directory after the rename. `exec`
  // matters: the SDK stops the server by killing the process it started, which must be the JVM, not a shell.
  writeFileSync(
    path.join(tmp, LAUNCHER),
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
  writeFileSync(path.join(tmp, MARKER), `${artifact}:${version}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  progress(`installed ${artifact} ${version} in ${Math.round((Date.now() - started) / 1000)}s`);
  return launcher;
}

function pom(groupId: string, artifactId: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sluice.local</groupId>
  <artifactId>temporal-test-server-install</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${groupId}</groupId>
      <artifactId>${artifactId}</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/** Runs Maven with its output in `log` and a heartbeat on the progress line (a cold download takes a while). */
async function runMaven(args: string[], log: string, progress: Progress): Promise<void> {
  mkdirSync(path.dirname(log), { recursive: true });
  const fd = openSync(log, 'w');
  const started = Date.now();
  const tick = setInterval(
    () => progress(`  … temporal-test-server (Maven): ${Math.round((Date.now() - started) / 1000)}s`),
    30_000,
  );
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('mvn', args, { stdio: ['ignore', fd, fd] });
      child.on('error', () => resolve(-1));
      child.on('close', (c) => resolve(c));
    });
    if (code !== 0) {
      const tail = readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
      throw new Error(`installing the Temporal test server failed (mvn exit ${code}); last lines of ${log}:\n${tail}`);
    }
  } finally {
    clearInterval(tick);
    closeSync(fd);
  }
}
