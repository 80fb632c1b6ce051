/** Pure helpers (no I/O, usable from the workflow's config resolution) that keep secrets out of messages. */

const MASK = '***';

/** Masks the password (or lone token) embedded in any URL in the text: `https://user:pass@host` → `https://user:***@host`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi,
    (_m, scheme: string, user: string, pass?: string) =>
      pass === undefined ? `${scheme}${MASK}@` : `${scheme}${user}:${MASK}@`,
  );
}

/** A PEM private key pasted into a non-secret setting is still a secret. */
export function maskInlinePem(value: string): string {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ? MASK : value;
}

/** A value safe to quote in an error: a secret is never repeated, a URL loses its credentials. */
export function quoteForError(kind: string, raw: string): string {
  if (kind === 'secret') return `(${raw.length} characters, not shown)`;
  return JSON.stringify(redactUrlCredentials(maskInlinePem(raw)));
}
