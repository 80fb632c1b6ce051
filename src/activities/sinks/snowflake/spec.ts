import type { Setting } from '../../../config/settings';
import type { SinkSpec } from '../../../contracts/sinks';

const MINUTE = 60_000;

/** Connection and table of the Snowflake sink. */
export const SNOWFLAKE_SETTINGS = [
  {
    key: 'snowflake.accessUrl',
    env: 'SLUICE_SNOWFLAKE_ACCESS_URL',
    kind: 'string',
    default: (r) => `http://127.0.0.1:${r['stack.fakesnowPort']}`,
    emptyIsValue: true,
    doc: "Snowflake access URL; the local emulator by default. Set it empty for the account's own https host (<account>.snowflakecomputing.com); plain http only when the URL says http://.",
  },
  {
    key: 'snowflake.account',
    env: 'SLUICE_SNOWFLAKE_ACCOUNT',
    kind: 'string',
    default: 'sluice',
    doc: 'Snowflake account identifier.',
  },
  {
    key: 'snowflake.username',
    env: 'SLUICE_SNOWFLAKE_USERNAME',
    kind: 'string',
    default: 'sluice',
    doc: 'Snowflake user.',
  },
  {
    key: 'snowflake.password',
    env: 'SLUICE_SNOWFLAKE_PASSWORD',
    kind: 'secret',
    default: 'sluice',
    doc: 'Snowflake password.',
  },
  {
    key: 'snowflake.database',
    env: 'SLUICE_SNOWFLAKE_DATABASE',
    kind: 'name',
    default: 'SLUICE',
    doc: 'Snowflake database.',
  },
  {
    key: 'snowflake.schema',
    env: 'SLUICE_SNOWFLAKE_SCHEMA',
    kind: 'name',
    default: 'PUBLIC',
    doc: 'Snowflake schema.',
  },
  {
    key: 'snowflake.warehouse',
    env: 'SLUICE_SNOWFLAKE_WAREHOUSE',
    kind: 'string',
    default: '',
    doc: 'Snowflake warehouse (empty: the user default).',
  },
  {
    key: 'snowflake.table',
    env: 'SLUICE_SNOWFLAKE_TABLE',
    kind: 'name',
    default: 'EVENTS',
    doc: 'Table the events land in (created by the migration step).',
  },
  {
    key: 'snowflake.rowsPerStatement',
    env: 'SLUICE_SNOWFLAKE_ROWS_PER_STATEMENT',
    kind: 'int',
    default: '5000',
    min: 1,
    max: 100_000,
    doc: 'Most rows per INSERT statement (each statement also stays under 8 MiB of row data, one bind).',
  },
] as const satisfies readonly Setting[];

/** Rows in one Snowflake table, replaced by line range in one transaction. */
export const snowflakeSpec = {
  name: 'snowflake',
  env: 'SNOWFLAKE',
  concurrency: 2,
  retry: { window: '6h', initialInterval: '2s' },
  attemptTimeout: 15 * MINUTE,
  // Data errors (a value that does not convert) can be one row's: bisection finds it.
  errors: { SnowflakeRejected: 'record' },
  settings: SNOWFLAKE_SETTINGS,
} as const satisfies SinkSpec<'snowflake'>;
