import { SETTINGS } from '../config/settings';

/** Keeps secrets out of anything printed: `sluice config`, config errors, logs of connection failures. */

const MASK = '***';

/** Masks the password (or lone token) embedded in any URL in the text: `https://user:pass@host` → `https://user:***@host`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi,
    (_m, scheme: string, user: string, pass?: string) =>
      pass === undefined ? `${scheme}${MASK}@` : `${scheme}${user}:${MASK}@`,
  );
}

const SECRET_KEYS = new Set(SETTINGS.filter((s) => s.kind === 'secret').map((s) => s.key));

/**
 * The resolved configuration with every secret setting masked (set or not is still visible) and credentials in
 * URL-valued settings masked, so the output can be pasted into a ticket.
 */
export function maskConfig(cfg: object): unknown {
  const walk = (node: unknown, path: string): unknown => {
    if (node && typeof node === 'object' && !Array.isArray(node))
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    if (SECRET_KEYS.has(path) || /password|secret|token|apikey|passphrase|privatekey/i.test(path))
      return node === '' || node === undefined ? node : MASK;
    return typeof node === 'string' ? redactUrlCredentials(maskInlinePem(node)) : node;
  };
  return walk(cfg, '');
}

/** A PEM private key pasted into a non-secret setting is still a secret. */
function maskInlinePem(value: string): string {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ? MASK : value;
}

/** A value safe to quote in an error: a secret is never repeated, a URL loses its credentials. */
export function quoteForError(kind: string, raw: string): string {
  if (kind === 'secret') return `(${raw.length} characters, not shown)`;
  return JSON.stringify(redactUrlCredentials(maskInlinePem(raw)));
}
