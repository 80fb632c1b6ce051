import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SluiceConfig } from '../config/load';
import { alertRulesYaml, promDuration } from './alert-rules';

/** Where a worker registers its metrics endpoint for Prometheus' file-based discovery; undefined when off. */
export function targetsDir(cfg: SluiceConfig): string | undefined {
  return cfg.metrics.targetsDir === 'off' ? undefined : cfg.metrics.targetsDir;
}

/**
 * Writes the local Prometheus' configuration and its rules (rendered from the alert settings) under the state
 * dir; returns the config file. Workers are found through files in the targets dir, so a worker started later,
 * or on another port, is scraped without a restart.
 */
export function writePrometheusConfig(cfg: SluiceConfig): string {
  const dir = path.join(cfg.stack.stateDir, 'prometheus');
  mkdirSync(dir, { recursive: true });
  const rules = path.join(dir, 'alerts.yml');
  writeFileSync(rules, alertRulesYaml(cfg, '# Rendered by `sluice stack up` from the SLUICE_ALERT_* settings.'));
  const every = promDuration(cfg.prometheus.scrapeInterval);
  const targets = targetsDir(cfg);
  if (targets) mkdirSync(targets, { recursive: true });
  const lines = [
    'global:',
    `  scrape_interval: ${every}`,
    `  evaluation_interval: ${every}`,
    `  scrape_timeout: ${promDuration(Math.min(cfg.prometheus.scrapeInterval, 10_000))}`,
    'rule_files:',
    `  - ${JSON.stringify(rules)}`,
    'scrape_configs:',
    '  - job_name: sluice-worker',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(path.join(targets ?? dir, '*.json'))}]`,
    `        refresh_interval: ${every}`,
    '',
  ];
  const file = path.join(dir, 'prometheus.yml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

/**
 * Renders the configuration again and has the running Prometheus load it (its series stay): how new alert
 * thresholds or a new scrape interval take effect.
 */
export async function reloadPrometheus(cfg: SluiceConfig): Promise<void> {
  writePrometheusConfig(cfg);
  const res = await fetch(`${cfg.prometheus.url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`Prometheus ${cfg.prometheus.url} refused the new configuration: ${await res.text()}`);
}
