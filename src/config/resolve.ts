import { quoteForError } from './redact-value';
import type { Kind, Setting } from './settings';
import { DURATION_EXAMPLE, parseBytes, parseDuration, SIZE_EXAMPLE } from './units';

/**
 * Resolving settings from raw strings, with no I/O (the loader reads the environment and the file; the workflow
 * resolves its defaults here too).
 */

/** Parses one raw value; returns the typed value or a message saying what was expected. */
export function parseValue(s: Setting, raw: string): { value: unknown } | { error: string } {
  const expect = (what: string) => ({
    error: `${s.env} (${s.key}): expected ${what}, got ${quoteForError(s.kind, raw)}`,
  });
  const bounded = (n: number, what: string) => {
    if (s.min !== undefined && n < s.min)
      return { error: `${s.env} (${s.key}): ${what} must be at least ${s.min}, got ${raw}` };
    if (s.max !== undefined && n > s.max)
      return { error: `${s.env} (${s.key}): ${what} must be at most ${s.max}, got ${raw}` };
    return { value: n };
  };
  if (s.oneOf && !s.oneOf.includes(raw)) {
    const all = s.oneOf.map((v) => (v === '' ? 'empty' : v));
    return expect(all.length > 1 ? `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}` : String(all[0]));
  }
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
      const n = parseBytes(raw);
      return n === undefined ? expect(SIZE_EXAMPLE) : bounded(n, 'size');
    }
    case 'duration': {
      const n = parseDuration(raw);
      return n === undefined ? expect(DURATION_EXAMPLE) : bounded(n, 'duration');
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

export interface Sources {
  env: Record<string, string | undefined>;
  /** Values of a config file by dotted key, and the file's name for messages. */
  file?: { name: string; values: Map<string, unknown> };
}

/**
 * Every setting resolved by precedence: environment, then config file, then default. Every problem is collected,
 * so one run names all bad values at once. Keys are the settings' dotted keys.
 */
export function resolveSettings(
  settings: readonly Setting[],
  sources: Sources,
): { resolved: Record<string, unknown>; problems: string[] } {
  const { env, file } = sources;
  const problems: string[] = [];
  const resolved: Record<string, unknown> = {};
  for (const s of settings) {
    const fromEnv = env[s.env];
    const fromFile = file?.values.get(s.key);
    let raw: string;
    if (fromEnv !== undefined && (fromEnv !== '' || s.emptyIsValue)) raw = fromEnv;
    else if (fromFile !== undefined && fromFile !== null) {
      if (typeof fromFile === 'object' && !Array.isArray(fromFile)) {
        problems.push(`${file?.name}: "${s.key}" must be a single value`);
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
  return { resolved, problems };
}

/** Dotted keys to nested objects: { 'a.b': 1 } → { a: { b: 1 } }. */
export function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
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
