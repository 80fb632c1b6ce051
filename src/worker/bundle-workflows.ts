import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { encryptedFailureConverterPath } from '../codec/data-converter';
import { WORKFLOW_BUNDLE, WORKFLOW_BUNDLE_ENCRYPTED, workflowsPath } from './workflow-code';

/**
 * Bundles the workflows once, at build time (`npm run build`). A worker that loads the bundle skips webpack at
 * start: it starts sooner and never holds the bundler in memory. The second bundle carries the failure converter
 * that payload encryption needs inside the sandbox (a bundle's converters are fixed when it is made).
 */
async function main(): Promise<void> {
  const logger = new DefaultLogger('WARN');
  for (const [file, failureConverterPath] of [
    [WORKFLOW_BUNDLE, undefined],
    [WORKFLOW_BUNDLE_ENCRYPTED, encryptedFailureConverterPath()],
  ] as const) {
    const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger, failureConverterPath });
    writeFileSync(file, code);
    process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), file)} (${code.length} bytes)\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
