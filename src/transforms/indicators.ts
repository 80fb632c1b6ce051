import { parse as parseHost } from 'tldts';
import { isLikelyDomain } from './domain-rules';
import { normalizeIpv4, normalizeIpv6 } from './ip-address';

export interface Indicators {
  ips: string[];
  domains: string[];
  md5: string[];
  sha1: string[];
  sha256: string[];
  emails: string[];
}

export interface ExtractOptions {
  /** Entries kept per kind: the first distinct ones in document order, then sorted. Default 64. */
  maxPerKind?: number;
  /** Nesting below this depth is not visited. Default 32. */
  maxDepth?: number;
  /** String characters scanned per record, in total. Default 256 Ki. */
  maxChars?: number;
  /** Values (strings, objects, arrays, scalars) visited per record. Default 10 000. */
  maxValues?: number;
}

// All patterns are compiled once; scanning resets lastIndex instead of allocating new RegExp objects.
// Boundaries are lookarounds so a match is a whole token, never a slice of a longer one.

// Not after a letter/digit/dot (OIDs, `v1.2.3.4`), not after `::` or `:hex:` (the tail of `::ffff:1.2.3.4`),
// not after `Name/` (user-agent versions such as `Chrome/1.2.3.4`); not followed by more of a token.
const IPV4 =
  /(?<![0-9A-Za-z._]|::|:[0-9A-Fa-f]{1,4}:|[A-Za-z_]\/)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![0-9A-Za-z_]|\.[0-9A-Za-z]|\/\d)/g;
const IPV4_WHOLE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// A whole token of letters, digits, colons, dots (and a `%zone`) with at least two colons; isIPv6 then
// judges the token as a unit, so `12:34:56.789`, MAC addresses, ARNs and colon-hex fingerprints fail whole
// instead of yielding a valid-looking slice.
const IPV6_TOKEN = /(?<![0-9A-Za-z:.%_])[0-9A-Za-z.%]*:[0-9A-Za-z.%]*:[0-9A-Za-z:.%]*/g;
// `5C:9C:E1:09:78:87:F8:07`: a certificate serial (or MAC, fingerprint) whose 8 byte pairs happen to parse as
// IPv6. Real addresses written in full have 4-digit groups somewhere; byte strings never use `::`.
const COLON_BYTES = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+$/;
// `src:fe80::1`: a short word glued on with a colon.
const LABEL_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,15}:/;
// Not a label of a host name (`dd62…cd4.us-west1.gcp.cloud.es.io`): no dot-joined label on either side.
const HEX_RUN = /(?<![0-9A-Za-z]|[0-9A-Za-z-]\.)[0-9A-Fa-f]{32,64}(?![0-9A-Za-z]|\.[0-9A-Za-z])/g;
// Field names that say the value identifies something (`id`, `findingId`, `request_id`, `requestID`, `uuid`,
// a certificate `serial`): 32 hex characters there are a finding id, a trace id or a 16-byte serial, not an MD5.
const ID_KEY = /(?:^|[_.-])(?:id|uuid|guid|serial)$|[a-z0-9](?:Id|ID|Uuid|Serial)$/;
// Certificate fingerprints as tools print them: `6a:ff:ac:…` (16, 20 or 32 bytes: md5, sha1, sha256).
const COLON_HEX = /(?<![0-9A-Za-z:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){15,31}(?![0-9A-Za-z:])/g;
const ALL_DIGITS = /^\d+$/;
// Labels may hold underscores (`_dmarc`, `_ldap._tcp`: DNS names, not hostnames); the TLD is letters only.
const HOST = '(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})';
const HOST_END = '(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])';
// Not inside a longer label run; after a dot only as `*.example.com` (wildcard certificate names).
const DOMAIN = new RegExp(`(?<![A-Za-z0-9_@-]|[^*]\\.)${HOST}\\.?${HOST_END}`, 'g');
const EMAIL = new RegExp(
  `(?<![A-Za-z0-9._%+-])([A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?)@(${HOST})${HOST_END}`,
  'g',
);
// Where to cut a string that overruns the budget, so no token is cut in half.
const TOKEN_BREAK = /[\s,;"'<>()[\]{}|]/;

// 45 characters of address (`ffff:…:255.255.255.255`) plus a label prefix and a zone id.
const MAX_IPV6_TOKEN = 80;
const TRAILING_DOTS = /\.+$/;

function ipv6OfToken(token: string): string | undefined {
  return COLON_BYTES.test(token) ? undefined : normalizeIpv6(token);
}

/**
 * A name under a public suffix of the Public Suffix List with a label of its own:
 * `user.session.start` and `com.apple.trustd` end in no suffix and are identifiers, not hosts. tldts keeps
 * the list current with each release, which a hand-written list would not be.
 */
function isPublicDomain(name: string): boolean {
  // The ICANN section only: `s3.amazonaws.com` is a private-section suffix, yet a host to a security team.
  const host = parseHost(name, { allowPrivateDomains: false, extractHostname: false });
  return host.domain !== null && host.isIcann === true && !host.isIp;
}

class IndicatorCollector {
  readonly ips = new Set<string>();
  readonly domains = new Set<string>();
  readonly md5 = new Set<string>();
  readonly sha1 = new Set<string>();
  readonly sha256 = new Set<string>();
  readonly emails = new Set<string>();
  charsLeft: number;
  valuesLeft: number;

  constructor(
    readonly maxPerKind: number,
    readonly maxDepth: number,
    maxChars: number,
    maxValues: number,
  ) {
    this.charsLeft = maxChars;
    this.valuesLeft = maxValues;
  }

  get exhausted(): boolean {
    return this.charsLeft <= 0 || this.valuesLeft <= 0;
  }

  add(set: Set<string>, value: string): void {
    if (set.size < this.maxPerKind) set.add(value);
  }

  visit(value: unknown, depth: number, key = ''): void {
    if (this.exhausted) return;
    this.valuesLeft--;
    if (typeof value === 'string') {
      this.scanString(value, ID_KEY.test(key) || value.startsWith('arn:'));
    } else if (Array.isArray(value)) {
      if (depth >= this.maxDepth) return;
      // An array's items are named by the array's field (`answers`, `conn_uids`).
      for (const child of value) {
        if (this.exhausted) return;
        this.visit(child, depth + 1, key);
      }
    } else if (typeof value === 'object' && value !== null && depth < this.maxDepth) {
      // Keys are field names chosen by the log format, never indicators; only values are scanned.
      for (const [childKey, child] of Object.entries(value)) {
        if (this.exhausted) return;
        this.visit(child, depth + 1, childKey);
      }
    }
  }

  /** `identifier`: the value names a record (an id field, an ARN), so hex in it is an id, not a digest. */
  scanString(value: string, identifier = false): void {
    let text = value;
    if (text.length > this.charsLeft) {
      let cut = this.charsLeft;
      while (cut > 0 && !TOKEN_BREAK.test(text[cut])) cut--;
      text = text.slice(0, cut);
    }
    this.charsLeft -= value.length;
    if (text.length < 3) return;

    // Most values holding an address hold nothing else (`id.orig_h`, `src_ip`): skip the general scan.
    if (text.length <= 15) {
      const whole = IPV4_WHOLE.exec(text);
      if (whole !== null) {
        const ip = normalizeIpv4(whole[1], whole[2], whole[3], whole[4]);
        if (ip !== undefined) this.add(this.ips, ip);
        return;
      }
    }
    const hasDot = text.includes('.');
    const firstColon = text.indexOf(':');
    if (hasDot) this.scanIpv4(text);
    if (firstColon >= 0 && text.includes(':', firstColon + 1)) this.scanIpv6(text);
    if (text.length >= 32 && !identifier) this.scanHashes(text);
    if (text.length >= 47 && firstColon >= 0 && !identifier) this.scanColonHashes(text);
    if (hasDot && text.includes('@')) this.scanEmails(text);
    if (hasDot) this.scanDomains(text);
  }

  scanIpv4(text: string): void {
    IPV4.lastIndex = 0;
    for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
      const ip = normalizeIpv4(m[1], m[2], m[3], m[4]);
      if (ip !== undefined) this.add(this.ips, ip);
    }
  }

  scanIpv6(text: string): void {
    IPV6_TOKEN.lastIndex = 0;
    for (let m = IPV6_TOKEN.exec(text); m !== null; m = IPV6_TOKEN.exec(text)) {
      if (m[0].length > MAX_IPV6_TOKEN) continue;
      // A sentence may end right after the address; a zone id (`%eth0`) names the local interface only.
      const token = m[0].replace(TRAILING_DOTS, '').split('%', 1)[0];
      let ip = ipv6OfToken(token);
      if (ip === undefined) {
        const prefix = LABEL_PREFIX.exec(token);
        if (prefix !== null) ip = ipv6OfToken(token.slice(prefix[0].length));
      }
      // `::` alone (the unspecified address) says nothing about who talked to whom.
      if (ip !== undefined && ip !== '::') this.add(this.ips, ip);
    }
  }

  scanHashes(text: string): void {
    HEX_RUN.lastIndex = 0;
    for (let m = HEX_RUN.exec(text); m !== null; m = HEX_RUN.exec(text)) {
      const hex = m[0];
      // A run of decimal digits is a number (an id, a counter), not a digest.
      if (ALL_DIGITS.test(hex)) continue;
      this.addHash(hex);
    }
  }

  scanColonHashes(text: string): void {
    COLON_HEX.lastIndex = 0;
    for (let m = COLON_HEX.exec(text); m !== null; m = COLON_HEX.exec(text)) {
      this.addHash(m[0].replaceAll(':', ''));
    }
  }

  addHash(hex: string): void {
    if (hex.length === 32) this.add(this.md5, hex.toLowerCase());
    else if (hex.length === 40) this.add(this.sha1, hex.toLowerCase());
    else if (hex.length === 64) this.add(this.sha256, hex.toLowerCase());
  }

  scanEmails(text: string): void {
    EMAIL.lastIndex = 0;
    for (let m = EMAIL.exec(text); m !== null; m = EMAIL.exec(text)) {
      const domain = m[2].toLowerCase();
      if (!isLikelyDomain(domain, m[3], false) || !isPublicDomain(domain)) continue;
      this.add(this.emails, `${m[1].toLowerCase()}@${domain}`);
      this.add(this.domains, domain);
    }
  }

  scanDomains(text: string): void {
    DOMAIN.lastIndex = 0;
    for (let m = DOMAIN.exec(text); m !== null; m = DOMAIN.exec(text)) {
      const raw = m[0].endsWith('.') ? m[0].slice(0, -1) : m[0];
      // After a single slash it is a path segment (`/files/x.zip`); after `//` it is a URL's host.
      const before = m.index > 0 ? text[m.index - 1] : '';
      const inPath = (before === '/' || before === '\\') && text[m.index - 2] !== before;
      const domain = raw.toLowerCase();
      if (isLikelyDomain(domain, m[1], inPath) && isPublicDomain(domain)) this.add(this.domains, domain);
    }
  }

  result(): Indicators {
    return {
      ips: [...this.ips].sort(),
      domains: [...this.domains].sort(),
      md5: [...this.md5].sort(),
      sha1: [...this.sha1].sort(),
      sha256: [...this.sha256].sort(),
      emails: [...this.emails].sort(),
    };
  }
}

/**
 * IPs, domains, hashes and e-mail addresses found in the string values of `record` (recursively), normalized,
 * deduplicated and sorted. Work per record is bounded by depth, characters and values visited.
 */
export function extractIndicators(record: unknown, opts: ExtractOptions = {}): Indicators {
  const collector = new IndicatorCollector(
    opts.maxPerKind ?? 64,
    opts.maxDepth ?? 32,
    opts.maxChars ?? 256 * 1024,
    opts.maxValues ?? 10_000,
  );
  collector.visit(record, 0);
  return collector.result();
}
