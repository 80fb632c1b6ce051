import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatFiles } from '../../../src/demo/format-files';
import { detectFormat } from '../../../src/transforms/detect';
import { readText } from './read-fixture';

describe('demo files in each format', () => {
  for (const f of formatFiles(50)) {
    it(`${f.name} is recognised as ${f.logType} and every record parses`, () => {
      const text = f.name.endsWith('.gz') ? gunzipSync(f.body).toString('utf8') : f.body.toString('utf8');
      expect(detectFormat(Buffer.from(text))?.logType).toBe(f.logType);
      if (f.logType === 'cloudtrail') {
        expect((JSON.parse(text) as { Records: unknown[] }).Records).toHaveLength(50);
        return;
      }
      const { records, errors } = readText(f.logType, text);
      expect(errors).toEqual([]);
      expect(records).toHaveLength(50);
    });
  }
});
