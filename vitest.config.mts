import { defineConfig } from 'vitest/config';

// Node 20 is supported here; the AWS SDK's notice about its future Node 22 floor is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// SLUICE_WORKER_HEAP_LIMIT's default (224MiB): the fuzz project runs under the heap a production worker has.
const PRODUCTION_HEAP_MIB = 224;

// Five projects: `unit` is pure logic (no servers); `workflow` runs the workflow on a time-skipping test server
// with in-memory S3 and sinks (no stack); `fuzz` runs split and process on malformed input under the production
// heap limit; `integration` runs against the real local stack, which
// test/global-setup.ts brings up when it is not already running; `chaos` (npm run chaos, not part of npm test)
// kills workers and stops the stack's services mid-ingest, so it must never share the stack with other tests.
export default defineConfig({
  test: {
    reporters: ['default'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // ingestFile on Temporal's time-skipping test server (Java, from the tools cache) with S3 and the sinks
          // in memory: workflow logic and replay safety without the local stack.
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          testTimeout: 120_000,
          // Bundling the workflow code and starting the Java server take a while on a busy machine.
          hookTimeout: 300_000,
          // One file at a time: each starts a JVM test server and bundles workflow code.
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // Two cores: integration files share one stack and one Temporal server; run them one at a time.
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          // Hostile input through the real split and process activities (in-memory storage, no stack), in a
          // process with the production worker's heap limit: a file that would kill a worker fails here.
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          testTimeout: 300_000,
          pool: 'forks',
          fileParallelism: false,
          execArgv: [`--max-old-space-size=${PRODUCTION_HEAP_MIB}`],
        },
      },
      {
        extends: true,
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // Outages last minutes (SLUICE_CHAOS_OUTAGE, 3 min by default) and then the backlog drains.
          testTimeout: 900_000,
          hookTimeout: 600_000,
          // One case at a time: each takes services of the shared stack away.
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
