import { PermanentSinkError, SystemicSinkError } from '../sink';
import { ThrottledError } from '../throttle';

/** Snowflake's failures sorted by what a retry can do about them (the classes are declared in ./spec.ts). */

export type SdkError = Error & { code?: string | number; sqlState?: string };

// Session expiry codes the driver renews by itself; every other 390xxx login/session error is the account's.
const RENEWABLE = new Set(['390111', '390112', '390114']);
// The pool's connection factory keeps only the message of a login failure.
const LOGIN_REFUSED = /incorrect username or password|user .*(locked|disabled)|not authorized|authenticat/i;

// Snowflake pushing back: HTTP 429/503 past the driver's own retries, a statement queued or running past the
// warehouse's timeout (57014, codes 000630/000625), too many concurrent statements on a warehouse (000623).
const THROTTLED_CODES = new Set(['000623', '000625', '000630']);
const THROTTLED_TEXT = /\b(429|503)\b|too many requests|service unavailable|queued|concurren(t|cy) .*limit/i;

export function isSnowflakeThrottling(e: unknown): boolean {
  const err = e as SdkError;
  return (
    THROTTLED_CODES.has(String(err.code ?? '')) || err.sqlState === '57014' || THROTTLED_TEXT.test(err.message ?? '')
  );
}

/**
 * Compilation, access, authentication and data errors cannot be fixed by a retry (only data errors are a
 * record's; the rest are systemic); throttling is retried more
 * slowly (Throttled); anything else is retried as it is.
 * SQL states: 42 syntax/access, 02 "does not exist or not authorized", 28 authorization, 22 data, 0A unsupported.
 */
export function classifySnowflakeError(e: unknown, what: string): unknown {
  const err = e as SdkError;
  const code = String(err.code ?? '');
  const state = err.sqlState ?? '';
  if (isSnowflakeThrottling(e)) return new ThrottledError(`snowflake: ${what}: ${err.message}`, { cause: e });
  const permanent =
    /^(42|02|28|22|0A)/.test(state) ||
    /SQL compilation error/i.test(err.message ?? '') ||
    (/^390\d{3}$/.test(code) && !RENEWABLE.has(code)) ||
    err.name === 'InvalidParameterError' ||
    err.name === 'MissingParameterError' ||
    (!err.code && LOGIN_REFUSED.test(err.message ?? ''));
  const detail = `${what}: ${err.message}${code ? ` (code ${code}${state ? `, SQL state ${state}` : ''})` : ''}`;
  // Only a data error (SQL state 22) can come from a record; a missing table, a refused login or a statement the
  // table does not fit refuses every record alike: systemic, retried and then parked, never bisected.
  if (permanent && state.startsWith('22')) return new PermanentSinkError('snowflake', detail, 'SnowflakeRejected');
  if (permanent) return new SystemicSinkError('snowflake', detail, state ? `SQL state ${state}` : code || 'refused');
  return new Error(`snowflake: ${detail}`, { cause: e });
}
