/**
 * Sizes and durations as people write them (`2MiB`, `6h`), parsed the same way everywhere: settings (env and
 * file), CLI flags, the bench and tests. No Node imports: the workflow derives its defaults with these.
 */

/** Size units; decimal (kB, MB, GB) and binary (KiB, MiB, GiB), case-insensitive. */
export const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export const SIZE_EXAMPLE = 'a size such as 4MiB, 512KiB or 1048576';
export const DURATION_EXAMPLE = 'a duration such as 500ms, 30s, 5m, 3h or 1d';

/** Bytes of `4MiB`, `1.5GB`, `1e6` or `1048576`; undefined when it is not a size. */
export function parseBytes(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = BYTE_UNITS[m?.[2]?.toLowerCase() ?? ''];
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}

/** Milliseconds of `500ms`, `30s`, `5m`, `3h` or `1d` (a unit is required); undefined when it is not one. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(raw.trim());
  const unit = DURATION_UNITS[m?.[2] ?? ''];
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}

/** Like parseBytes, throwing a message that names what was being read. */
export function requireBytes(raw: string, what: string): number {
  const n = parseBytes(raw);
  if (n === undefined) throw new Error(`${what}: expected ${SIZE_EXAMPLE}, got "${raw}"`);
  return n;
}

/** Like parseDuration, throwing a message that names what was being read. */
export function requireDuration(raw: string, what: string): number {
  const n = parseDuration(raw);
  if (n === undefined) throw new Error(`${what}: expected ${DURATION_EXAMPLE}, got "${raw}"`);
  return n;
}
