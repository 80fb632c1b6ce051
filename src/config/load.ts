import { readFileSync } from 'node:fs';
import type { SinkName, Stage, StageRetry } from '../shared/ingest-types';
import { type Kind, SETTINGS, type Setting } from './settings';

export interface SluiceConfig {
  stack: {
    home: string;
    toolsDir: string;
    stateDir: string;
    temporalPort: number;
    temporalUiPort: number;
    minioPort: number;
    minioConsolePort: number;
    opensearchPort: number;
    opensearchTransportPort: number;
    opensearchHeap: string;
    opensearchUser: string;
    fakesnowPort: number;
    startTimeout: number;
  };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string };
  s3: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
    landingBucket: string;
    stagingBucket: string;
    processedBucket: string;
    quarantineBucket: string;
  };
  opensearch: { url: string; username: string; password: string; indexPrefix: string };
  snowflake: {
    accessUrl: string;
    account: string;
    username: string;
    password: string;
    database: string;
    schema: string;
    warehouse: string;
    table: string;
    rowsPerStatement: number;
  };
  pipeline: {
    chunkTargetBytes: number;
    maxRecordBytes: number;
    maxChunksInFlight: number;
    reminderInterval: number;
    maxPoisonPerChunk: number;
    chunksPerRun: number;
  };
  worker: { concurrency: number; heapLimit: number; cachedWorkflows: number };
  sinks: Record<SinkName, SinkLimits>;
  retry: Record<Stage, StageRetry>;
  log: { level: 'debug' | 'info' | 'warn' | 'error' };
  limits: {
    maxRecordsPerChunk: number;
    maxDecompressedBytes: number;
    maxCompressionRatio: number;
    eventTimeMaxAge: number;
    eventTimeMaxAhead: number;
    quarantineAlertRatio: number;
    /** Parsed by src/shared/tenant-sources.ts. */
    tenantSources: string;
  };
}

export interface SinkLimits {
  concurrency: number;
  /** Activities per second across the fleet; 0 is unlimited. */
  ratePerSecond: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid Sluice configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Size units accepted wherever Sluice reads a size (settings, bench options). */
export const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses one raw value; returns the typed value or a message saying what was expected. */
function parseValue(s: Setting, raw: string): { value: unknown } | { error: string } {
  const expect = (what: string) => ({ error: `${s.env} (${s.key}): expected ${what}, got ${JSON.stringify(raw)}` });
  const bounded = (n: number, what: string) => {
    if (s.min !== undefined && n < s.min)
      return { error: `${s.env} (${s.key}): ${what} must be at least ${s.min}, got ${raw}` };
    if (s.max !== undefined && n > s.max)
      return { error: `${s.env} (${s.key}): ${what} must be at most ${s.max}, got ${raw}` };
    return { value: n };
  };
  switch (s.kind satisfies Kind) {
    case 'string':
    case 'secret':
      return { value: raw };
    case 'name':
      return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(raw) ? { value: raw } : expect('a name of letters, digits, . _ -');
    case 'url':
      try {
        const u = new URL(raw);
        return u.protocol === 'http:' || u.protocol === 'https:'
          ? { value: raw.replace(/\/+$/, '') }
          : expect('an http(s) URL');
      } catch {
        return expect('an http(s) URL');
      }
    case 'port': {
      if (!/^\d+$/.test(raw)) return expect('a TCP port number');
      const n = Number(raw);
      return n >= 1 && n <= 65_535 ? { value: n } : expect('a TCP port between 1 and 65535');
    }
    case 'int':
      return /^-?\d+$/.test(raw) ? bounded(Number(raw), 'value') : expect('a whole number');
    case 'number':
      return /^\d+(\.\d+)?$/.test(raw) ? bounded(Number(raw), 'value') : expect('a number');
    case 'bytes': {
      const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
      const unit = m?.[2]?.toLowerCase() ?? '';
      if (!m || !(unit in BYTE_UNITS)) return expect('a size such as 4MiB, 512KiB or 1048576');
      return bounded(Math.round(Number(m[1]) * (BYTE_UNITS[unit] ?? 1)), 'size');
    }
    case 'duration': {
      const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(raw.trim());
      if (!m) return expect('a duration such as 500ms, 30s, 5m, 3h or 1d');
      return bounded(Math.round(Number(m[1]) * (DURATION_UNITS[m[2] as string] ?? 1)), 'duration');
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      const bad = items.find((x) => !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(x));
      return bad === undefined ? { value: items } : expect('comma-separated names such as ValidationError,AuthError');
    }
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(raw)) return { value: true };
      if (/^(false|0|no|off)$/i.test(raw)) return { value: false };
      return expect('true or false');
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
    problems.push(`SLUICE_CONFIG: ${path} is not valid JSON: ${(e as Error).message}`);
    return values;
  }
  const known = new Set(SETTINGS.map((s) => s.key));
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
  const problems: string[] = [];
  const file = env.SLUICE_CONFIG ? readConfigFile(env.SLUICE_CONFIG, problems) : new Map<string, unknown>();
  const resolved: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const fromEnv = env[s.env];
    const fromFile = file.get(s.key);
    let raw: string;
    if (fromEnv !== undefined && fromEnv !== '') raw = fromEnv;
    else if (fromFile !== undefined && fromFile !== null) {
      if (typeof fromFile === 'object' && !Array.isArray(fromFile)) {
        problems.push(`${env.SLUICE_CONFIG}: "${s.key}" must be a single value`);
        continue;
      }
      raw = Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile);
    } else if (typeof s.default === 'function') {
      raw = s.default(resolved, env);
      // Derived from a setting that was itself invalid: that one is already reported.
      if (raw.includes('undefined')) continue;
    } else raw = s.default;
    const parsed = parseValue(s, raw);
    if ('error' in parsed) problems.push(parsed.error);
    else resolved[s.key] = parsed.value;
  }
  const level = resolved['log.level'];
  if (level !== undefined && !['debug', 'info', 'warn', 'error'].includes(String(level))) {
    problems.push(`SLUICE_LOG_LEVEL (log.level): expected debug, info, warn or error, got ${JSON.stringify(level)}`);
  }
  if (String(resolved['s3.secretAccessKey'] ?? '').length < 8) {
    problems.push(
      'SLUICE_S3_SECRET_ACCESS_KEY (s3.secretAccessKey): must be at least 8 characters (MinIO refuses shorter)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return unflatten(resolved) as unknown as SluiceConfig;
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) {
    const parts = path.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return out;
}

/** The configuration reference as a Markdown table (README). Secrets' defaults are shown, they are local-only. */
export function configReferenceMarkdown(): string {
  const rows = SETTINGS.map((s) => {
    const def = typeof s.default === 'function' ? describeComputedDefault(s) : s.default === '' ? '(empty)' : s.default;
    return `| \`${s.env}\` | \`${s.key}\` | ${s.kind} | \`${def}\` | ${s.doc} |`;
  });
  return ['| env | file key | kind | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

function describeComputedDefault(s: Setting): string {
  const placeholders: Record<string, unknown> = {};
  for (const other of SETTINGS) placeholders[other.key] = `<${other.env}>`;
  const text = (s.default as Exclude<Setting['default'], string>)(placeholders, { HOME: '~' });
  return text.replace('<SLUICE_HOME>', '~/.cache/sluice');
}
