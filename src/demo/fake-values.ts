import { createHash } from 'node:crypto';
import { normalizeIpv6 } from '../transforms/ip-address';
import type { Prng } from './prng';

// Addresses come from documentation and test ranges (RFC 5737, RFC 3849, and the GeoIP test addresses the
// real samples use), so demo data never points at someone's real host.
const PUBLIC_V4_PREFIXES = ['89.160.20.', '175.16.199.', '203.0.113.', '198.51.100.', '192.0.2.', '81.2.69.'];
const PRIVATE_V4_PREFIXES = ['10.156.0.', '10.2.4.', '192.168.86.', '192.168.50.', '172.16.9.'];

export const DOMAINS = [
  'www.example.com',
  'api.example.com',
  'cdn.example.net',
  'login.example.org',
  'updates.example.io',
  'mail.corp.example.com',
  'clients.l.google.com',
  'ctldl.windowsupdate.com',
  'p33-btmmdns.icloud.com',
  'telemetry.example.dev',
  'xn--bcher-kva.de',
  'files.example.co.uk',
];

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Microsoft-CryptoAPI/10.0',
  'curl/8.4.0',
];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

export function publicIpv4(rng: Prng): string {
  return `${rng.pick(PUBLIC_V4_PREFIXES)}${rng.int(1, 254)}`;
}

export function privateIpv4(rng: Prng): string {
  return `${rng.pick(PRIVATE_V4_PREFIXES)}${rng.int(1, 254)}`;
}

/** Four random low groups under a documentation or link-local prefix, as eight uncompressed groups. */
export function ipv6Groups(rng: Prng): string[] {
  const prefix = rng.chance(0.5) ? ['2001', '0db8', '0000', '0000'] : ['fe80', '0000', '0000', '0000'];
  return [...prefix, rng.chars(HEX, 4), rng.chars(HEX, 4), rng.chars(HEX, 4), rng.chars(HEX, 4)];
}

/** Compact form, as Zeek and CloudTrail write addresses; Suricata writes all eight groups in full. */
export function compactIpv6(groups: string[]): string {
  const full = groups.join(':');
  return normalizeIpv6(full) ?? full;
}

export function zeekUid(rng: Prng): string {
  return `C${rng.chars(BASE62, 17)}`;
}

export function upperId(rng: Prng, prefix: string, length: number): string {
  return prefix + rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', length);
}

export function uuid(rng: Prng): string {
  const h = rng.chars(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** Suricata flow ids are 51-bit-ish integers; stay below 2^53 so JSON round-trips them exactly. */
export function flowId(rng: Prng): number {
  return rng.int(1, 0x3ffff) * 0x1_0000_0000 + rng.int(0, 0xffff_ffff);
}

/** Real digests of synthetic file content: the same file number always has the same hashes. */
export function fileHashes(fileNumber: number): { md5: string; sha1: string; sha256: string } {
  const content = `sluice demo file #${fileNumber}\n`;
  const digest = (algorithm: string) => createHash(algorithm).update(content).digest('hex');
  return { md5: digest('md5'), sha1: digest('sha1'), sha256: digest('sha256') };
}

export function hexString(rng: Prng, length: number): string {
  return rng.chars(HEX, length);
}

/** Event times that only move forward, by up to `maxStepMs`, at microsecond resolution. */
export class EventClock {
  private micros: number;

  constructor(
    startIso: string,
    private readonly maxStepMs: number,
  ) {
    this.micros = Date.parse(startIso) * 1000;
  }

  /** Advances and returns the new time in epoch microseconds. */
  tick(rng: Prng): number {
    this.micros += rng.int(0, this.maxStepMs * 1000);
    return this.micros;
  }
}

/**
 * `2018-07-05T15:01:09.820360-0400` style: wall-clock time at `offsetMinutes` from UTC, `fractionDigits` digits
 * of sub-second, and a zone written `Z` (when `zulu` and the offset is 0) or `±hhmm`.
 */
export function formatTimestamp(micros: number, offsetMinutes: number, fractionDigits: number, zulu: boolean): string {
  const shifted = micros + offsetMinutes * 60_000_000;
  const wall = new Date(Math.floor(shifted / 1000)).toISOString().slice(0, 19);
  const fraction =
    fractionDigits === 0
      ? ''
      : `.${String(shifted % 1_000_000)
          .padStart(6, '0')
          .slice(0, fractionDigits)}`;
  if (zulu && offsetMinutes === 0) return `${wall}${fraction}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${wall}${fraction}${sign}${zone}`;
}
