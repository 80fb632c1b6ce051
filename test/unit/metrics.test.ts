import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { errorTypeOf, stageOf } from '../../src/metrics/activity-metrics';
import { ALERT_RULES_HEADER, alertRules, alertRulesYaml, promDuration } from '../../src/metrics/alert-rules';
import { M } from '../../src/metrics/names';

const root = path.resolve(__dirname, '..', '..');
const defaults = loadConfig({ HOME: '/home/test' });

describe('alert rules', () => {
  it('ops/prometheus/alerts.yml is `sluice alert-rules` with the default thresholds', () => {
    const shipped = readFileSync(path.join(root, 'ops', 'prometheus', 'alerts.yml'), 'utf8');
    expect(shipped).toBe(alertRulesYaml(defaults, ALERT_RULES_HEADER));
  });

  it('take their thresholds from the settings', () => {
    const short = loadConfig({
      HOME: '/h',
      SLUICE_ALERT_DELAY_P99: '20s',
      SLUICE_ALERT_STALL: '45s',
      SLUICE_ALERT_FOR: '0s',
    });
    const rules = Object.fromEntries(alertRules(short).map((r) => [r.alert, r]));
    expect(rules.SluiceDelayHigh?.expr).toContain('max(sluice_oldest_running_file_seconds) > 20');
    expect(rules.SluiceDelayHigh?.for).toBe('0s');
    expect(rules.SluiceSinkStalled?.expr).toContain('[45s]');
  });

  it('query only metrics Sluice emits (or Prometheus itself: up)', () => {
    const known = new Set<string>(Object.values(M).flatMap((n) => [n, `${n}_total`, `${n}_bucket`]));
    for (const r of alertRules(defaults)) {
      const names = r.expr.match(/\b(sluice_[a-z_]+|up)\b/g) ?? [];
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) if (n !== 'up') expect(known.has(n), `${r.alert}: ${n}`).toBe(true);
    }
  });

  it('write Prometheus durations', () => {
    expect([
      promDuration(0),
      promDuration(1500),
      promDuration(45_000),
      promDuration(600_000),
      promDuration(7_200_000),
    ]).toEqual(['0s', '1500ms', '45s', '10m', '2h']);
  });
});

describe('activity labels', () => {
  it('map activity types to a bounded stage', () => {
    expect(['splitFile', 'processChunk', 'sink_opensearch', 'quarantineRejected'].map(stageOf)).toEqual([
      'split',
      'process',
      'opensearch',
      'bookkeeping',
    ]);
  });

  it('name error types from code, cut to a safe label', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), { code: 'ECONNREFUSED' });
    expect(errorTypeOf(refused)).toBe('ECONNREFUSED');
    expect(errorTypeOf(ApplicationFailure.nonRetryable('bad', 'MappingConflict'))).toBe('MappingConflict');
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorTypeOf('a string')).toBe('Unknown');
    expect(errorTypeOf(Object.assign(new Error('x'), { name: 'weird name/with spaces' }))).toBe(
      'weird_name_with_spaces',
    );
  });
});
