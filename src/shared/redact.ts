import { maskInlinePem, redactUrlCredentials } from '../config/redact-value';
import { SETTINGS } from '../config/settings';

export { quoteForError, redactUrlCredentials } from '../config/redact-value';

/** Keeps secrets out of anything printed: `sluice config`, config errors, logs of connection failures. */

const SECRET_KEYS = new Set<string>(SETTINGS.filter((s) => s.kind === 'secret').map((s) => s.key));

/**
 * The resolved configuration with every secret setting masked (set or not is still visible) and credentials in
 * URL-valued settings masked, so the output can be pasted into a ticket.
 */
export function maskConfig(cfg: object): unknown {
  const walk = (node: unknown, path: string): unknown => {
    if (node && typeof node === 'object' && !Array.isArray(node))
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    if (SECRET_KEYS.has(path) || /password|secret|token|apikey|passphrase|privatekey/i.test(path))
      return node === '' || node === undefined ? node : '***';
    return typeof node === 'string' ? redactUrlCredentials(maskInlinePem(node)) : node;
  };
  return walk(cfg, '');
}
