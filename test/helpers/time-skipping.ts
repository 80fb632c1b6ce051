import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { searchAttributeRegistrations } from '../../src/stack/search-attributes';
import { ensureTestServer } from '../../src/stack/test-server';
import { cfg } from './env';

/** The Java test server from the tools cache (installed from Maven Central on first use); returns the launcher. */
export function testServerLauncher(): Promise<string> {
  return ensureTestServer(cfg.stack.toolsDir, (line) => process.stderr.write(`[test-server] ${line}\n`));
}

/**
 * A Temporal test server with time skipping, private to the caller (call `teardown()` when done): while a test
 * awaits a workflow result through `env.client`, server time jumps straight to the next timer, activity retry or
 * timeout, so hours of backoff pass in seconds. Workers connect with `env.nativeConnection`.
 *
 * The pipeline's custom search attributes are registered, as `sluice stack up` does on the dev server: the test
 * server rejects an unregistered one (start: INVALID_ARGUMENT; upsert: the workflow task fails, BadSearchAttributes,
 * over and over).
 *
 * Server time, not wall time: `Date.now()` in a workflow and `env.currentTimeMs()` follow skipped time; an activity
 * can ask `env.currentTimeMs()` for "now". The server starts with time skipping locked (the SDK passes only the
 * port, no `--enable-time-skipping`; with that flag time runs off before a worker even polls) and the client
 * unlocks it only while awaiting a result or in `env.sleep()`. While an activity runs, server time moves at wall
 * speed. Note: this server stamps a retry's `info.currentAttemptScheduledTimestampMs` when the previous attempt
 * failed, one backoff earlier than the real server does.
 */
/** These tests fail activities on purpose, many times over; Temporal's per-failure warnings would drown the output. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const launcher = await testServerLauncher();
  const env = await startServer(launcher);
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: searchAttributeRegistrations(),
    });
  } catch (e) {
    await env.teardown();
    throw e;
  }
  return env;
}

/** The SDK waits 5 s for the JVM to listen; on a loaded machine that can fall short, so it gets three tries. */
async function startServer(launcher: string, tries = 3): Promise<TestWorkflowEnvironment> {
  for (let i = 1; ; i++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: launcher } },
      });
    } catch (e) {
      if (i >= tries || !/did not start/.test((e as Error).message)) throw e;
    }
  }
}
