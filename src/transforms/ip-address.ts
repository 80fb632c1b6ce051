import { isIPv6 } from 'node:net';

/** Dotted-quad octets (as matched, possibly zero-padded) to canonical form; undefined if any octet > 255. */
export function normalizeIpv4(a: string, b: string, c: string, d: string): string | undefined {
  // Number(), not parseInt(): `010` is ten here, never octal.
  const octets = [Number(a), Number(b), Number(c), Number(d)];
  for (const o of octets) if (o > 255) return undefined;
  return octets.join('.');
}

/**
 * Canonical RFC 5952 text for an IPv6 address (no zone id): lowercase, no leading zeros, the longest run of
 * two or more zero groups (the first on a tie) as `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`.
 * Undefined when `text` is not a valid IPv6 address.
 */
export function normalizeIpv6(text: string): string | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const words = ipv6Words(text.toLowerCase());
  const isMapped = words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0;
  if (isMapped && words[5] === 0xffff) {
    return `::ffff:${words[6] >> 8}.${words[6] & 0xff}.${words[7] >> 8}.${words[7] & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function hexGroups(part: string): number[] {
  return part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
}

// The eight 16-bit groups of an address already known to be valid.
function ipv6Words(text: string): number[] {
  let hexPart = text;
  let ipv4Words: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // An embedded IPv4 (`::ffff:1.2.3.4`) is the last two groups.
    const [a, b, c, d] = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    ipv4Words = [(a << 8) | b, (c << 8) | d];
    hexPart = text.slice(0, text.endsWith('::', lastColon + 1) ? lastColon + 1 : lastColon);
  }
  const gap = hexPart.indexOf('::');
  if (gap < 0) return [...hexGroups(hexPart), ...ipv4Words];
  const head = hexGroups(hexPart.slice(0, gap));
  const tail = [...hexGroups(hexPart.slice(gap + 2)), ...ipv4Words];
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
