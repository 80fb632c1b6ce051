import type { SluiceConfig } from '../src/config/load';
import { type ServiceStatus, stackDown, stackStatus, stackUp } from '../src/stack/stack';

/**
 * Uses the local stack as it finds it: a healthy one is used and left running; otherwise it is brought up here,
 * and the returned function takes it down again (as test/global-setup.ts does for the tests).
 */
export async function useStack(cfg: SluiceConfig, say: (line: string) => void): Promise<StackInUse> {
  const before = await stackStatus(cfg);
  if (before.every((s) => s.healthy)) {
    say('stack: using the running stack');
    return { pids: pidsOf(before), restore: async () => undefined };
  }
  const after = await stackUp(cfg, (line) => say(`stack: ${line}`));
  return {
    pids: pidsOf(after),
    restore: async () => {
      await stackDown(cfg, (line) => say(`stack: ${line}`));
    },
  };
}

export interface StackInUse {
  /** Process ids of the services this stack runs (none for ones it did not start, e.g. docker compose's). */
  pids: Record<string, number>;
  /** Leaves the stack as it was found. */
  restore(): Promise<void>;
}

function pidsOf(services: ServiceStatus[]): Record<string, number> {
  return Object.fromEntries(services.flatMap((s) => (s.pid === undefined ? [] : [[s.name, s.pid]])));
}
