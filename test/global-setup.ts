import { loadConfig } from '../src/config/load';
import { stackDown, stackStatus, stackUp } from '../src/stack/stack';

/**
 * Integration tests run against the real local stack. If it is already up (a developer's `sluice stack up`, or
 * CI's), it is used and left running; otherwise it is brought up here and taken down afterwards.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const cfg = loadConfig();
  const progress = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const before = await stackStatus(cfg);
  if (before.every((s) => s.healthy)) {
    progress('using the running stack');
    return async () => undefined;
  }
  await stackUp(cfg, progress);
  return async () => {
    if (process.env.SLUICE_KEEP_STACK === '1') return;
    await stackDown(cfg, progress);
  };
}
