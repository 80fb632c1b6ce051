import { describe, expect, it } from 'vitest';
import { getParser, knownLogTypes, type ParseResult } from '../../src/transforms';
import { decodeUtf8Strict } from '../../src/transforms/utf8';

const json = getParser('json');

function parseText(text: string, parser = json): ParseResult {
  return parser.parse(Buffer.from(text, 'utf8'));
}

function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parsed`);
}

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8, including multi-byte characters', () => {
    expect(decodeUtf8Strict(Buffer.from('Jürgen ✓ 日本', 'utf8'))).toBe('Jürgen ✓ 日本');
    expect(decodeUtf8Strict(Buffer.alloc(0))).toBe('');
  });

  it('returns undefined for invalid sequences instead of replacing them', () => {
    expect(decodeUtf8Strict(Buffer.from([0x61, 0xff, 0x62]))).toBeUndefined();
    // A UTF-16 surrogate encoded as UTF-8 (CESU-8) and a truncated 3-byte sequence.
    expect(decodeUtf8Strict(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined();
    expect(decodeUtf8Strict(Buffer.from([0xe2, 0x9c]))).toBeUndefined();
  });
});

describe('parser registry', () => {
  it('lists the registered log types, sorted', () => {
    expect(knownLogTypes()).toEqual([
      'alb',
      'cloudtrail',
      'guardduty',
      'json',
      'okta',
      'suricata',
      'syslog',
      'vpcflow',
      'zeek',
    ]);
  });

  it('names each format and where its event time lives', () => {
    expect(getParser('zeek')).toMatchObject({ logType: 'zeek', eventTimeFields: ['ts'] });
    expect(getParser('suricata')).toMatchObject({ logType: 'suricata', eventTimeFields: ['timestamp'] });
    expect(getParser('cloudtrail')).toMatchObject({ logType: 'cloudtrail', eventTimeFields: ['eventTime'] });
    expect(getParser('json')).toMatchObject({ logType: 'json', eventTimeFields: [] });
  });

  it('rejects unknown types with the list of known ones', () => {
    expect(() => getParser('x')).toThrow(
      new Error('unknown log type "x"; known: alb, cloudtrail, guardduty, json, okta, suricata, syslog, vpcflow, zeek'),
    );
    expect(() => getParser('constructor')).toThrow('unknown log type "constructor"');
    expect(() => getParser('Zeek')).toThrow('unknown log type "Zeek"');
  });
});

describe('JSON-lines parsing', () => {
  it('returns the parsed object', () => {
    const result = parseText(
      '{"ts":1547188415.857497,"id.orig_h":"192.168.86.167","tunnel_parents":[]}',
      getParser('zeek'),
    );
    expect(result).toEqual({
      ok: true,
      record: { ts: 1547188415.857497, 'id.orig_h': '192.168.86.167', tunnel_parents: [] },
    });
  });

  it('strips a trailing carriage return (CRLF files)', () => {
    expect(parseText('{"a":1}\r')).toEqual({ ok: true, record: { a: 1 } });
    expect(parseText('{"a":"x\\r"}\r')).toEqual({ ok: true, record: { a: 'x\r' } });
  });

  it('keeps non-ASCII text intact and accepts a leading BOM', () => {
    expect(parseText('{"user":"Jürgen ✓"}')).toEqual({ ok: true, record: { user: 'Jürgen ✓' } });
    expect(parseText('\uFEFF{"a":1}')).toEqual({ ok: true, record: { a: 1 } });
  });

  it('reports invalid UTF-8', () => {
    const line = Buffer.concat([Buffer.from('{"user":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(json.parse(line)).toEqual({ ok: false, reason: 'invalid UTF-8' });
  });

  it('reports invalid JSON with the parser message', () => {
    for (const text of ['{"a":', '{a:1}', '{"a":1} trailing', "{'a':1}"]) {
      expect(parseText(text)).toEqual({ ok: false, reason: `invalid JSON: ${jsonParseMessage(text)}` });
    }
    const truncated = parseText('{"a":');
    expect(truncated.ok === false && truncated.reason.startsWith('invalid JSON: ')).toBe(true);
  });

  it('requires a JSON object and names what it got instead', () => {
    expect(parseText('[1,2]')).toEqual({ ok: false, reason: 'expected a JSON object, got array' });
    expect(parseText('42')).toEqual({ ok: false, reason: 'expected a JSON object, got number' });
    expect(parseText('"text"')).toEqual({ ok: false, reason: 'expected a JSON object, got string' });
    expect(parseText('null')).toEqual({ ok: false, reason: 'expected a JSON object, got null' });
    expect(parseText('true')).toEqual({ ok: false, reason: 'expected a JSON object, got boolean' });
  });

  it('reports blank lines as empty', () => {
    expect(parseText('')).toEqual({ ok: false, reason: 'empty line' });
    expect(parseText('  \r')).toEqual({ ok: false, reason: 'empty line' });
  });

  it('keeps a "__proto__" key as plain data', () => {
    const result = parseText('{"__proto__":{"polluted":true},"a":1}');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.keys(result.record)).toEqual(['__proto__', 'a']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('parses the same way for every registered type', () => {
    for (const type of ['json', 'zeek', 'suricata', 'cloudtrail', 'okta', 'guardduty']) {
      expect(parseText('{"k":"v"}', getParser(type))).toEqual({ ok: true, record: { k: 'v' } });
      expect(parseText('[]', getParser(type))).toEqual({ ok: false, reason: 'expected a JSON object, got array' });
    }
  });
});
