import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from '../../src/config/load';

describe('README', () => {
  it('carries the current configuration reference (regenerate with `npx sluice config --markdown`)', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('\n', readme.indexOf('<!-- config-table:start')) + 1;
    const end = readme.indexOf('<!-- config-table:end');
    expect(readme.slice(start, end).trim()).toBe(configReferenceMarkdown());
  });
});
