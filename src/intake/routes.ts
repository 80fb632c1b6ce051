import { TENANT_PATTERN } from '../cli/ingest-command';
import { ConfigError } from '../config/load';
import { knownLogTypes } from '../transforms/parsers';

/** Where an arrived object goes: which tenant's file it is and how to parse it. */
export interface Route {
  /** The rule as written, for logs and status. */
  rule: string;
  bucket: string;
  pattern: string;
  tenant: string;
  /** A parser's log type, or `auto` (guessed from the key). */
  logType: string;
  /** The pattern's text before its first wildcard: what a scan lists. */
  listPrefix: string;
  /** Whether the pattern has `{yyyy}/{mm}/{dd}` placeholders, so a scan can list only the days it needs. */
  dated: boolean;
  matcher: RegExp;
}

export interface Routed {
  route: Route;
  tenant: string;
  logType: string;
}

const PLACEHOLDERS: Record<string, string> = {
  '{yyyy}': '(?<yyyy>\\d{4})',
  '{mm}': '(?<mm>\\d{2})',
  '{dd}': '(?<dd>\\d{2})',
  '{hh}': '(?<hh>\\d{2})',
};

/**
 * `bucket/key-pattern=tenant:logtype`, `;` or newline separated. The pattern matches a key prefix: `*` is one path
 * segment, `**` anything, `{yyyy}` `{mm}` `{dd}` `{hh}` digits of a date. The `=` that separates the target is the
 * last one, so keys like `dt=2026-01-01/` work.
 */
export function parseRoutes(text: string): Route[] {
  const problems: string[] = [];
  const routes: Route[] = [];
  const logTypes = new Set([...knownLogTypes(), 'auto']);
  for (const raw of text.split(/[;\n]/)) {
    const rule = raw.trim();
    if (!rule) continue;
    const eq = rule.lastIndexOf('=');
    const slash = rule.indexOf('/');
    const target = eq > 0 ? rule.slice(eq + 1).trim() : '';
    const [tenant, logType, ...extra] = target.split(':').map((x) => x.trim());
    const where = eq > 0 ? rule.slice(0, eq).trim() : '';
    if (!where || slash <= 0 || slash > eq || !tenant || !logType || extra.length) {
      problems.push(`SLUICE_INTAKE_ROUTES: "${rule}" is not bucket/key-pattern=tenant:logtype`);
      continue;
    }
    if (!TENANT_PATTERN.test(tenant)) {
      problems.push(`SLUICE_INTAKE_ROUTES: "${rule}": tenant "${tenant}" must be lowercase letters, digits, - and _`);
      continue;
    }
    if (!logTypes.has(logType)) {
      problems.push(
        `SLUICE_INTAKE_ROUTES: "${rule}": unknown log type "${logType}" (known: ${[...logTypes].join(', ')})`,
      );
      continue;
    }
    const bucket = where.slice(0, where.indexOf('/'));
    const pattern = where.slice(where.indexOf('/') + 1);
    const firstWild = pattern.search(/\*|\{(yyyy|mm|dd|hh)\}/);
    routes.push({
      rule,
      bucket,
      pattern,
      tenant,
      logType,
      listPrefix: firstWild < 0 ? pattern : pattern.slice(0, firstWild),
      dated: pattern.includes('{yyyy}'),
      matcher: compile(pattern),
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return routes;
}

function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; ) {
    const rest = pattern.slice(i);
    const ph = Object.keys(PLACEHOLDERS).find((p) => rest.startsWith(p));
    if (ph) {
      re += PLACEHOLDERS[ph];
      i += ph.length;
    } else if (rest.startsWith('**')) {
      re += '.*';
      i += 2;
    } else if (rest.startsWith('*')) {
      re += '[^/]*';
      i += 1;
    } else {
      re += (rest[0] as string).replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  return new RegExp(re, 'u');
}

/** The first rule that takes this object, or undefined (the caller reports it: nothing is ignored silently). */
export function routeOf(routes: readonly Route[], bucket: string, key: string): Routed | undefined {
  const route = routes.find((r) => r.bucket === bucket && r.matcher.test(key));
  if (!route) return undefined;
  return { route, tenant: route.tenant, logType: route.logType === 'auto' ? guessLogType(key) : route.logType };
}

const ZEEK_LOGS = /(^|\/)(conn|dns|http|ssl|files|x509|notice|weird|dhcp|ssh|smtp|ftp|rdp|smb_files|kerberos)[._]/;

/** `auto`: the log type from the names the usual writers give their files; plain JSON lines otherwise. */
export function guessLogType(key: string): string {
  if (/(^|\/)CloudTrail\/|_CloudTrail_/.test(key)) return 'cloudtrail';
  if (/(^|\/)eve[^/]*\.json/.test(key)) return 'suricata';
  if (ZEEK_LOGS.test(key)) return 'zeek';
  return 'json';
}

/** Buckets some rule names: a notification from any other bucket is a wiring mistake, not a missing rule. */
export const routedBuckets = (routes: readonly Route[]) => new Set(routes.map((r) => r.bucket));
