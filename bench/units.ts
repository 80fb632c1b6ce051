/** Sizes, durations and percentiles as the bench reads and prints them. */

import { requireBytes } from '../src/config/units';

export const MiB = 1024 ** 2;

/** `2GiB`, `512KiB`, `1e6`, `0` (0 means: skip that part). */
export function parseBytes(raw: string, what: string): number {
  return requireBytes(raw, what);
}

export function parsePositive(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what}: expected a positive number, got "${raw}"`);
  return n;
}

export function parseNonNegative(raw: string, what: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new Error(`${what}: expected a number ≥ 0, got "${raw}"`);
  return n;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${trim(bytes / 1024 ** 3)} GiB`;
  if (bytes >= MiB) return `${trim(bytes / MiB)} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

const trim = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** Per second, with a precision that suits the magnitude. */
export function rate(amount: number, ms: number): number {
  return ms > 0 ? amount / (ms / 1000) : 0;
}

export function formatRate(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

/** Nearest-rank percentile of an ascending list (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
