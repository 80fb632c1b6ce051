import { describe, expect, it } from 'vitest';
import { extractIndicators, type Indicators } from '../../src/transforms';

const NONE: Indicators = { ips: [], domains: [], md5: [], sha1: [], sha256: [], emails: [] };

function of(...values: string[]): Indicators {
  return extractIndicators({ values });
}

describe('IPv4', () => {
  it('takes whole-field and embedded dotted quads', () => {
    expect(
      extractIndicators({ 'id.orig_h': '192.168.86.167', msg: 'from 89.160.20.156:443 to 10.0.0.1.' }).ips,
    ).toEqual(['10.0.0.1', '192.168.86.167', '89.160.20.156']);
  });

  it('normalizes zero-padded octets', () => {
    expect(of('010.001.002.003').ips).toEqual(['10.1.2.3']);
    expect(of('src=192.168.001.010 dst=008.008.008.008').ips).toEqual(['192.168.1.10', '8.8.8.8']);
  });

  it('accepts addresses after a word and colon, and in URLs', () => {
    expect(of('id:10.0.0.1, tcp:10.0.0.2:80', 'http://203.0.113.9/x').ips).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '203.0.113.9',
    ]);
  });

  it('rejects octets over 255, longer dotted runs, versions and OIDs', () => {
    expect(of('256.1.1.1', '1.2.3.999', '1.2.3.4.5', 'OID 1.3.6.1.4.1.311', 'v1.2.3.4', '1.2.3').ips).toEqual([]);
    expect(of('Chrome/67.0.3396.99 Safari/537.36', 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0)').ips).toEqual([]);
    expect(of('Chrome/1.2.3.4', '4.3.2.1.in-addr.arpa').ips).toEqual([]);
  });
});

describe('CIDR networks', () => {
  it('are not taken as host addresses', () => {
    expect(of('allow 203.0.113.0/24 and 10.0.0.0/8', 'host 198.51.100.7').ips).toEqual(['198.51.100.7']);
    expect(of('203.0.113.0/24').ips).toEqual([]);
  });
});

describe('IPv6', () => {
  it('normalizes to RFC 5952', () => {
    expect(of('fe80:0000:0000:0000:0202:b3ff:fe1e:8329').ips).toEqual(['fe80::202:b3ff:fe1e:8329']);
    expect(of('FE80:0000:0000:0000:FADA:0CFF:FEDC:87F1').ips).toEqual(['fe80::fada:cff:fedc:87f1']);
    expect(of('ff02:0000:0000:0000:0000:0000:0001:0002').ips).toEqual(['ff02::1:2']);
    expect(of('2001:db8:0:0:1:0:0:1').ips).toEqual(['2001:db8::1:0:0:1']);
    expect(of('2001:0db8:0000:0001:0000:0000:0000:0001').ips).toEqual(['2001:db8:0:1::1']);
    // A single zero group is not compressed.
    expect(of('2001:db8:0:1:1:1:1:1').ips).toEqual(['2001:db8:0:1:1:1:1:1']);
    expect(of('0:0:0:0:0:0:0:1').ips).toEqual(['::1']);
    expect(of('1:0:0:0:0:0:0:0').ips).toEqual(['1::']);
  });

  it('keeps IPv4-mapped addresses in mixed notation, without adding the IPv4 separately', () => {
    expect(of('::ffff:1.2.3.4').ips).toEqual(['::ffff:1.2.3.4']);
    expect(of('0:0:0:0:0:FFFF:0102:0304').ips).toEqual(['::ffff:1.2.3.4']);
    expect(of('client ::FFFF:192.168.1.10 connected').ips).toEqual(['::ffff:192.168.1.10']);
  });

  it('finds addresses embedded in text, bracketed, with a zone id or a label', () => {
    expect(of('connect to [2001:DB8::1]:443 via fe80::1%eth0, src:2001:db8::2.').ips).toEqual([
      '2001:db8::1',
      '2001:db8::2',
      'fe80::1',
    ]);
  });

  it('rejects times, MACs, certificate serials, fingerprints and ARNs', () => {
    expect(
      of(
        '12:34:56',
        'at 12:34:56.789 and 23:59:59',
        '2021-06-09T20:55:13.160328Z',
        '00:11:22:33:44:55',
        '5C:9C:E1:09:78:87:F8:07',
        'serial:5C:9C:E1:09:78:87:F8:07',
        '6a:ff:ac:a6:5f:8a:05:e7:a9:8c:76:29:b9:08:c7:69:ad:dc:72:47',
        'arn:aws:iam::111122223333:user/JohnDoe',
        'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
        'std::string and Foo::Bar',
        '::',
        '1::2::3',
        '12345::1',
      ).ips,
    ).toEqual([]);
  });
});

describe('hashes', () => {
  it('classifies whole 32, 40 and 64 hex tokens and lowercases them', () => {
    const found = of(
      'md5=427B7337FF37EEB24D74F47D8E04CF21',
      'sha1 313573490192c685e9e53abef25453ed0d5e2aee',
      'sha256:f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b',
    );
    expect(found.md5).toEqual(['427b7337ff37eeb24d74f47d8e04cf21']);
    expect(found.sha1).toEqual(['313573490192c685e9e53abef25453ed0d5e2aee']);
    expect(found.sha256).toEqual(['f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b']);
  });

  it('ignores parts of longer hex runs, other lengths, 0x-prefixed values and plain numbers', () => {
    const hex65 = `${'a'.repeat(64)}b`;
    const found = of(
      hex65,
      'ab'.repeat(24),
      `x${'1a'.repeat(16)}`,
      `0x${'313573490192c685e9e53abef25453ed0d5e2aee'}`,
      '12345678901234567890123456789012',
      `${'c'.repeat(31)}`,
    );
    expect({ md5: found.md5, sha1: found.sha1, sha256: found.sha256 }).toEqual({ md5: [], sha1: [], sha256: [] });
  });

  it('does not take a hex label of a host name as a hash', () => {
    expect(of('dd625ffb4fc54735b281862aa1cd6cd4.us-west1.gcp.cloud.es.io')).toMatchObject({
      md5: [],
      domains: ['dd625ffb4fc54735b281862aa1cd6cd4.us-west1.gcp.cloud.es.io'],
    });
    expect(of('cdn.dd625ffb4fc54735b281862aa1cd6cd4').md5).toEqual([]);
    expect(of('md5 dd625ffb4fc54735b281862aa1cd6cd4.').md5).toEqual(['dd625ffb4fc54735b281862aa1cd6cd4']);
  });

  it('reads colon-separated fingerprints as the hash they are', () => {
    const sha1 = '6a:ff:ac:a6:5f:8a:05:e7:a9:8c:76:29:b9:08:c7:69:ad:dc:72:47';
    const md5 = 'C3:0A:5C:0E:3A:7B:2D:91:44:6F:18:E2:9B:30:4D:7A';
    expect(of(sha1, `fp=${md5}`)).toMatchObject({
      sha1: ['6affaca65f8a05e7a98c7629b908c769addc7247'],
      md5: ['c30a5c0e3a7b2d91446f18e29b304d7a'],
      ips: [],
    });
    // A serial of 8 bytes is no hash.
    expect(of('5C:9C:E1:09:78:87:F8:07')).toEqual(NONE);
  });

  it('does not read dashed UUIDs as hashes', () => {
    expect(of('3fcfb182-98f8-4744-bd45-10aEXAMPLE', 'e7f75577-60e0-4a97-a025-958451a391f1')).toEqual(NONE);
  });
});

describe('emails', () => {
  it('lowercases the address and records its domain', () => {
    expect(of('from John.Doe+tag@Example.COM, cc: ops@mail.corp.example.org.')).toEqual({
      ...NONE,
      emails: ['john.doe+tag@example.com', 'ops@mail.corp.example.org'],
      domains: ['example.com', 'mail.corp.example.org'],
    });
  });

  it('rejects file-name look-alikes and incomplete addresses', () => {
    expect(of('icon@2x.png', 'user@localhost', '@example', 'a@b')).toEqual(NONE);
  });
});

describe('domains', () => {
  it('takes hostnames, lowercased, without the trailing dot', () => {
    expect(
      of('p33-btmmdns.icloud.com.', 'WWW.Example.COM', 'clients.l.google.com', 'files.example.co.uk', 'a.io').domains,
    ).toEqual(['a.io', 'clients.l.google.com', 'files.example.co.uk', 'p33-btmmdns.icloud.com', 'www.example.com']);
  });

  it('takes hosts from URLs, certificate subjects and wildcards', () => {
    expect(
      of(
        'http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/pinrulesstl.cab?111111111111',
        'CN=*.icloud.com, OU=management:idms.group.506364, O=Apple Inc., ST=California, C=US',
        'https://console.aws.amazon.com/s3/',
      ).domains,
    ).toEqual(['console.aws.amazon.com', 'ctldl.windowsupdate.com', 'icloud.com']);
  });

  it('keeps AWS service endpoints, punycode and numeric labels', () => {
    expect(of('signin.amazonaws.com', 'xn--bcher-kva.de', 'xn--80ak6aa92e.xn--p1ai', '163.com').domains).toEqual([
      '163.com',
      'signin.amazonaws.com',
      'xn--80ak6aa92e.xn--p1ai',
      'xn--bcher-kva.de',
    ]);
  });

  it('takes only names under a public suffix (the Public Suffix List, through tldts)', () => {
    expect(
      of('user.session.start', 'com.apple.trustd', 'host.corp.internal', 'printer.local', 'www.example.com').domains,
    ).toEqual(['www.example.com']);
    // A public suffix alone is no host; a name under a private-section suffix is one.
    expect(of('co.uk', 'bucket.s3.amazonaws.com', 'app.github.io').domains).toEqual([
      'app.github.io',
      'bucket.s3.amazonaws.com',
    ]);
  });

  it('rejects file names', () => {
    expect(
      of(
        'setup.exe',
        'report.pdf',
        'a.json',
        'x.log',
        '.js',
        'jquery.min.js',
        'kernel32.dll',
        'archive.tar.gz',
        'b.zip',
      ).domains,
    ).toEqual([]);
    expect(of('/ssdp/device-desc.xml', '/downloads/update.zip', 'C:\\Users\\a\\notes.txt').domains).toEqual([]);
  });

  it('treats ambiguous extensions as domains only with more labels, outside paths', () => {
    expect(of('download.example.zip', 'https://get.example.sh/install').domains).toEqual([
      'download.example.zip',
      'get.example.sh',
    ]);
    expect(of('deploy.sh', 'main.py', '/opt/get.example.sh').domains).toEqual([]);
  });

  it('rejects versions, numbers, code identifiers and abbreviations', () => {
    expect(
      of('1.2.3', '10.14', '1.2.beta', 'v2.0.rc', '3.14159', 'java.lang.String', 'System.Management.Automation'),
    ).toEqual(NONE);
    expect(of('e.g. this, i.e. that', 'Apple Inc.', 'U.S.A.', 'TLS 1.2', 'HTTP/1.1', 'l2 .io in TLS SNI')).toEqual(
      NONE,
    );
  });

  it('does not take a label out of a longer token', () => {
    expect(of('idms.group.506364', 'a--.example.com', 'x.example.com-1', 'www.example.com_old').domains).toEqual([]);
  });

  it('accepts DNS names with underscore labels', () => {
    expect(of('_dmarc.example.com', '_ldap._tcp.dc._msdcs.corp.example.com').domains).toEqual([
      '_dmarc.example.com',
      '_ldap._tcp.dc._msdcs.corp.example.com',
    ]);
  });
});

describe('walking the record', () => {
  it('scans nested objects and arrays but never keys', () => {
    const record = {
      '10.9.9.9': 'key is an address',
      'evil.example.com': 1,
      outer: { inner: [{ host: 'deep.example.com' }, ['203.0.113.7']] },
      n: 1521158401,
      b: true,
      z: null,
    };
    expect(extractIndicators(record)).toEqual({ ...NONE, ips: ['203.0.113.7'], domains: ['deep.example.com'] });
  });

  it('dedupes and sorts', () => {
    expect(of('b.example.com', 'a.example.com', 'B.EXAMPLE.COM', '10.0.0.2', '10.0.0.1', '010.0.0.1').ips).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
  });

  it('caps each list', () => {
    const many = Array.from({ length: 200 }, (_, i) => `10.0.${Math.floor(i / 100)}.${i % 100}`);
    expect(extractIndicators({ many }).ips).toHaveLength(64);
    expect(extractIndicators({ many }, { maxPerKind: 5 }).ips).toEqual([
      '10.0.0.0',
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
    ]);
  });

  it('stops below the depth limit', () => {
    let nested: unknown = '198.51.100.1';
    for (let i = 0; i < 40; i++) nested = { next: nested };
    expect(extractIndicators(nested).ips).toEqual([]);
    expect(extractIndicators(nested, { maxDepth: 64 }).ips).toEqual(['198.51.100.1']);
  });

  it('bounds the characters scanned without cutting a token in half', () => {
    const text = `${'x '.repeat(40)}www.example.com 203.0.113.1`;
    expect(extractIndicators({ text }, { maxChars: 95 })).toEqual({ ...NONE, domains: ['www.example.com'] });
    expect(extractIndicators({ text }, { maxChars: 94 })).toEqual(NONE);
    expect(extractIndicators({ a: 'a.example.com', b: 'b.example.com' }, { maxValues: 2 }).domains).toEqual([
      'a.example.com',
    ]);
  });

  it('survives pathological strings', () => {
    const inputs = [
      'a.'.repeat(100_000),
      ':'.repeat(200_000),
      '1.'.repeat(100_000),
      'ab:'.repeat(60_000),
      'a.b@'.repeat(50_000),
    ];
    // How fast is the bench's business; here: they finish and yield nothing.
    for (const text of inputs) expect(extractIndicators({ text })).toEqual(NONE);
  });

  it('reads a typical 1 KB Suricata record completely', () => {
    const record = {
      timestamp: '2018-07-05T15:44:33.222441-0400',
      flow_id: 2211411903323127,
      event_type: 'fileinfo',
      src_ip: '192.168.86.28',
      dest_ip: 'fe80:0000:0000:0000:fada:0cff:fedc:87f1',
      http: {
        hostname: 'updates.example.com',
        url: '/ssdp/device-desc.xml',
        http_user_agent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36',
        protocol: 'HTTP/1.1',
      },
      fileinfo: {
        filename: '/ssdp/device-desc.xml',
        md5: '427b7337ff37eeb24d74f47d8e04cf21',
        sha1: '313573490192c685e9e53abef25453ed0d5e2aee',
        sha256: 'f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b',
      },
      note: 'user alice@example.org fetched from 203.0.113.10 at 12:34:56, tls sni cdn.example.net',
    };
    expect(JSON.stringify(record).length).toBeGreaterThan(700);
    expect(extractIndicators(record)).toEqual({
      ips: ['192.168.86.28', '203.0.113.10', 'fe80::fada:cff:fedc:87f1'],
      domains: ['cdn.example.net', 'example.org', 'updates.example.com'],
      md5: ['427b7337ff37eeb24d74f47d8e04cf21'],
      sha1: ['313573490192c685e9e53abef25453ed0d5e2aee'],
      sha256: ['f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b'],
      emails: ['alice@example.org'],
    });
  });
});
