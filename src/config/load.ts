import { readFileSync } from 'node:fs';
import { checkConnectionSettings } from './check-connections';
import type { ConfigOf } from './infer';
import { resolveSettings, unflatten } from './resolve';
import { isLocalMinio, SETTINGS, type Setting } from './settings';

/** The resolved configuration; its type is inferred from the settings table, never written by hand. */
export type SluiceConfig = ConfigOf<typeof SETTINGS>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid Sluice configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function flatten(obj: unknown, prefix: string, out: Map<string, unknown>): void {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, obj);
  }
}

function readConfigFile(path: string, problems: string[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`SLUICE_CONFIG: cannot read config file ${path}: ${(e as Error).message}`);
    return values;
  }
  try {
    flatten(JSON.parse(text), '', values);
  } catch (e) {
    // Node's JSON.parse message quotes the text around the error, which may be a secret: keep only the position.
    const where = /position \d+(?: \(line \d+ column \d+\))?/.exec((e as Error).message)?.[0];
    problems.push(`SLUICE_CONFIG: ${path} is not valid JSON${where ? ` (at ${where})` : ''}`);
    return values;
  }
  const known = new Set<string>(SETTINGS.map((s) => s.key));
  for (const key of values.keys()) {
    if (!known.has(key)) problems.push(`${path}: unknown setting "${key}"`);
  }
  return values;
}

/**
 * Resolves the configuration: environment over config file (SLUICE_CONFIG, JSON, same keys nested) over defaults.
 * Every problem is collected, so one run names all bad values at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  const fileProblems: string[] = [];
  const file = env.SLUICE_CONFIG
    ? { name: env.SLUICE_CONFIG, values: readConfigFile(env.SLUICE_CONFIG, fileProblems) }
    : undefined;
  const { resolved, problems } = resolveSettings(SETTINGS, { env, file });
  problems.unshift(...fileProblems);
  if (resolved['deploy.versioning'] === true && !resolved['deploy.buildId']) {
    problems.push('SLUICE_WORKER_BUILD_ID (deploy.buildId): required when SLUICE_WORKER_VERSIONING is on');
  }
  const minioSecret = String(resolved['s3.secretAccessKey'] ?? '');
  if (isLocalMinio(resolved) && minioSecret !== '' && minioSecret.length < 8) {
    problems.push(
      'SLUICE_S3_SECRET_ACCESS_KEY (s3.secretAccessKey): must be at least 8 characters (MinIO refuses shorter)',
    );
  }
  checkConnectionSettings(resolved, problems);
  if (problems.length) throw new ConfigError(problems);
  return unflatten(resolved) as SluiceConfig;
}

/** The configuration reference as a Markdown table (README). Secrets' defaults are shown, they are local-only. */
export function configReferenceMarkdown(): string {
  const rows = SETTINGS.map((s: Setting) => {
    const def = typeof s.default === 'function' ? describeComputedDefault(s) : s.default === '' ? '(empty)' : s.default;
    return `| \`${s.env}\` | \`${s.key}\` | ${s.kind} | \`${def}\` | ${s.doc} |`;
  });
  return ['| env | file key | kind | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

function describeComputedDefault(s: Setting): string {
  const placeholders: Record<string, unknown> = {};
  for (const other of SETTINGS) placeholders[other.key] = `<${other.env}>`;
  const text = (s.default as Exclude<Setting['default'], string>)(placeholders, { HOME: '~' });
  return text === '' ? '(empty)' : text.replace('<SLUICE_HOME>', '~/.cache/sluice');
}
