import type { SluiceConfig } from './load';
import { parseValue, unflatten } from './resolve';
import { SETTINGS } from './settings';

/**
 * The pipeline options and per-stage retry a workflow uses when it is started without them (e.g. from the stock
 * `temporal` CLI): the settings table's own defaults, parsed as the loader parses them. No Node imports: the
 * workflow computes these at load, deterministically.
 */
export function workflowDefaults(): Pick<SluiceConfig, 'pipeline' | 'retry'> {
  const flat: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    if (!/^(pipeline|retry)\./.test(s.key) || typeof s.default !== 'string') continue;
    const parsed = parseValue(s, s.default);
    if ('error' in parsed) throw new Error(`settings table: default of ${parsed.error}`);
    flat[s.key] = parsed.value;
  }
  return unflatten(flat) as Pick<SluiceConfig, 'pipeline' | 'retry'>;
}
