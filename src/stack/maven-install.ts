import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireCommand } from './tools';

type Progress = (line: string) => void;

const MARKER = '.sluice-installed';

/**
 * A Java program from Maven Central with its runtime dependencies, in `<toolsDir>/<name>-<version>/lib/`, fetched once
 * with Maven itself (so a proxy or mirror in ~/.m2/settings.xml applies). Returns the lib directory, for
 * `java -cp '<lib>/*' <main class>`. Installed into a scratch dir and renamed, so an interrupted download never looks
 * installed.
 */
export async function ensureMavenClasspath(
  name: string,
  artifact: string,
  version: string,
  toolsDir: string,
  progress: Progress,
): Promise<string> {
  const dir = path.join(toolsDir, `${name}-${version}`);
  const lib = path.join(dir, 'lib');
  requireCommand('java', `${name} is a Java program (Java 17 or later)`);
  if (existsSync(path.join(dir, MARKER))) return lib;
  requireCommand('mvn', `${name} (${artifact}:${version}) is fetched from Maven Central with Maven`);
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const [groupId, artifactId] = artifact.split(':');
  writeFileSync(path.join(tmp, 'pom.xml'), pom(name, groupId ?? '', artifactId ?? '', version));
  const log = path.join(toolsDir, 'logs', `${name}-install.log`);
  const started = Date.now();
  progress(`installing ${artifact} ${version} (Maven Central; log: ${log})`);
  await runMaven(
    name,
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
  writeFileSync(path.join(tmp, MARKER), `${artifact}:${version}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  progress(`installed ${artifact} ${version} in ${Math.round((Date.now() - started) / 1000)}s`);
  return lib;
}

function pom(name: string, groupId: string, artifactId: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sluice.local</groupId>
  <artifactId>${name}-install</artifactId>
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

async function runMaven(name: string, args: string[], log: string, progress: Progress): Promise<void> {
  mkdirSync(path.dirname(log), { recursive: true });
  const fd = openSync(log, 'w');
  const started = Date.now();
  const tick = setInterval(
    () => progress(`  … ${name} (Maven): ${Math.round((Date.now() - started) / 1000)}s`),
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
      throw new Error(`installing ${name} failed (mvn exit ${code}); last lines of ${log}:\n${tail}`);
    }
  } finally {
    clearInterval(tick);
    closeSync(fd);
  }
}
