import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrometheus } from '../../src/stack/tools';
import { cfg } from '../helpers/env';

/**
 * The shipped alert rules, checked and unit-tested by Prometheus' own promtool (installed with the stack's
 * Prometheus): each rule fires on its symptom at the time it should and stays quiet on a healthy neighbour.
 */
const ops = path.resolve(__dirname, '..', '..', 'ops', 'prometheus');

describe('alert rules under promtool', () => {
  it('are valid and pass their unit tests (ops/prometheus/alerts.test.yml)', async () => {
    const { promtool } = await ensurePrometheus(cfg.stack.toolsDir, () => undefined);
    const check = spawnSync(promtool, ['check', 'rules', path.join(ops, 'alerts.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 9 rules found');
    const test = spawnSync(promtool, ['test', 'rules', path.join(ops, 'alerts.test.yml')], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('SUCCESS');
  });
});
