import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_BUNDLE, workflowsPath } from './workflow-code';

/**
 * Bundles the workflows once, at build time (`npm run build`). A worker that loads the bundle skips webpack at
 * start: it starts sooner and never holds the bundler in memory.
 */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') });
  writeFileSync(WORKFLOW_BUNDLE, code);
  process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE)} (${code.length} bytes)\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
