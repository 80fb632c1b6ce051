import type { SluiceConfig } from '../src/config/load';
import { stackDown, stackStatus, stackUp } from '../src/stack/stack';

/**
 * Uses the local stack as it finds it: a healthy one is used and left running; otherwise it is brought up here,
 * and the returned function takes it down again (as test/global-setup.ts does for the tests).
 */
export async function useStack(cfg: SluiceConfig, say: (line: string) => void): Promise<() => Promise<void>> {
  const before = await stackStatus(cfg);
  if (before.every((s) => s.healthy)) {
    say('stack: using the running stack');
    return async () => undefined;
  }
  await stackUp(cfg, (line) => say(`stack: ${line}`));
  return async () => {
    await stackDown(cfg, (line) => say(`stack: ${line}`));
  };
}
