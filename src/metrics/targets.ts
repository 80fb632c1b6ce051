import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SluiceConfig } from '../config/load';
import { targetsDir } from './prometheus-config';

/**
 * Registers this worker's metrics endpoint for Prometheus' file-based discovery (the local stack reads the
 * directory); returns the function that removes it. A worker killed outright leaves its file behind on purpose:
 * its target then fails scrapes and SluiceTargetDown fires.
 */
export function registerScrapeTarget(cfg: SluiceConfig, job = 'sluice-worker'): () => void {
  const dir = targetsDir(cfg);
  if (!dir || cfg.metrics.port === 0) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const host = cfg.metrics.host === '0.0.0.0' ? '127.0.0.1' : cfg.metrics.host;
  const file = path.join(dir, `${job}-${os.hostname()}-${cfg.metrics.port}.json`);
  const tmp = `${file}.tmp`;
  // Written whole then renamed: Prometheus never reads half a file.
  writeFileSync(tmp, JSON.stringify([{ targets: [`${host}:${cfg.metrics.port}`], labels: { job } }]));
  renameSync(tmp, file);
  return () => rmSync(file, { force: true });
}
