import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EnvelopeBatch } from '../../src/activities/sinks/sink';
import { loadConfig, type SluiceConfig } from '../../src/config/load';
import { PINS } from '../../src/stack/tools';
import type { Envelope } from '../../src/transforms/envelope';

export const cfg: SluiceConfig = loadConfig();

/** A batch built in a test: its rows as an array, to look into (production batches decode rows lazily). */
export type TestBatch = EnvelopeBatch & { envelopes: Envelope[] };

/** A short unique suffix so tests never collide with each other or with earlier runs on the same stack. */
export const uniq = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Reads rows back from the Snowflake emulator through snowflake-connector-python (in the stack's venv):
 * a second, independent client, so a test does not only trust the driver that wrote the rows.
 */
export function snowflakeQueryViaPython(sql: string): Record<string, unknown>[] {
  const python = path.join(cfg.stack.toolsDir, `fakesnow-${PINS.fakesnow.version}`, 'bin', 'python');
  const script = `
import json, sys, snowflake.connector
conn = snowflake.connector.connect(user=${JSON.stringify(cfg.snowflake.username)}, password=${JSON.stringify(cfg.snowflake.password)},
    account=${JSON.stringify(cfg.snowflake.account)}, host="127.0.0.1", port=${cfg.stack.fakesnowPort}, protocol="http",
    database=${JSON.stringify(cfg.snowflake.database)}, schema=${JSON.stringify(cfg.snowflake.schema)},
    session_parameters={"CLIENT_TELEMETRY_ENABLED": False}, network_timeout=60)
cur = conn.cursor(snowflake.connector.DictCursor)
cur.execute(sys.stdin.read())
print(json.dumps(cur.fetchall(), default=str))
`;
  const r = spawnSync(python, ['-c', script], { input: sql, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python snowflake query failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '[]');
}
