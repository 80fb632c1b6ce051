import { existsSync } from 'node:fs';
import path from 'node:path';

/** Source (.ts, under vitest) or compiled (.js) workflows, whichever this module runs beside. */
export function workflowsPath(): string {
  const base = path.join(__dirname, '..', 'workflows', 'index');
  return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}

/** Where `npm run build` leaves the pre-bundled workflow code that a compiled worker loads. */
export const WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflows', 'bundle.js');
/** The same, made with the failure converter payload encryption uses. */
export const WORKFLOW_BUNDLE_ENCRYPTED = path.join(__dirname, '..', 'workflows', 'bundle-encrypted.js');

/**
 * The worker's workflow code: compiled, the bundle `npm run build` made (no webpack at start, a smaller worker);
 * under vitest, the source, bundled at start as usual.
 */
export function workflowCode(encrypted = false): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = encrypted ? WORKFLOW_BUNDLE_ENCRYPTED : WORKFLOW_BUNDLE;
  return existsSync(bundle) && __filename.endsWith('.js')
    ? { workflowBundle: { codePath: bundle } }
    : { workflowsPath: workflowsPath() };
}
