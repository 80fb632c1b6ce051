import { Prng } from '../../../src/demo/prng';
import type { Indicators } from '../../../src/transforms';

/**
 * A labeled set of records in each format's documented shape, with the indicators each one holds written down
 * from the format's field definitions: which fields carry addresses, host names, digests and mail addresses
 * (CloudTrail record contents, Zeek log field references, Suricata EVE, Okta LogEvent, GuardDuty finding
 * format, VPC flow and ALB field lists). Every record also carries what those documents say is *not* an
 * indicator and real logs are full of: event type names (`user.session.start`), reverse-DNS identifiers
 * (`com.apple.trustd`), ARNs, UUIDs, versions, CIDR networks, hex host-name labels, certificate serials.
 */
export interface Labeled {
  format: string;
  record: Record<string, unknown>;
  expected: Indicators;
}

const HEX = '0123456789abcdef';
const PUBLIC_V4 = ['198.51.100.', '203.0.113.', '192.0.2.', '89.160.20.', '81.2.69.'];
const PRIVATE_V4 = ['10.0.', '172.31.16.', '192.168.4.'];
const HOSTS = [
  'www.example.com',
  'api.github.com',
  'login.microsoftonline.com',
  'cdn.jsdelivr.net',
  'updates.example.org',
  'mail.google.com',
  'testmyids.com',
  'www.wordpress.com',
  'download.windowsupdate.com',
  'bucket-7.s3.amazonaws.com',
  'xn--bcher-kva.de',
  'portal.example.co.uk',
];
const NOT_HOSTS = [
  'com.apple.trustd',
  'user.session.start',
  'app.oauth2.as.token.grant',
  'java.lang.String',
  'System.Management.Automation',
  'policy.evaluate_sign_on',
  'core.user_auth.login_success',
];

function empty(): Indicators {
  return { ips: [], domains: [], md5: [], sha1: [], sha256: [], emails: [] };
}

function sorted(x: Indicators): Indicators {
  const out = empty();
  for (const k of Object.keys(out) as (keyof Indicators)[]) out[k] = [...new Set(x[k])].sort();
  return out;
}

class Gen {
  constructor(readonly r: Prng) {}
  publicIp(): string {
    return `${this.r.pick(PUBLIC_V4)}${this.r.int(1, 254)}`;
  }
  privateIp(): string {
    const p = this.r.pick(PRIVATE_V4);
    return p.split('.').length === 3 ? `${p}${this.r.int(1, 254)}.${this.r.int(1, 254)}` : `${p}${this.r.int(1, 254)}`;
  }
  ipv6(): string {
    return `2001:db8:${this.r.int(1, 0xfff).toString(16)}::${this.r.int(1, 0xfff).toString(16)}`;
  }
  host(): string {
    return this.r.pick(HOSTS);
  }
  notHost(): string {
    return this.r.pick(NOT_HOSTS);
  }
  hex(n: number): string {
    return this.r.chars(HEX, n);
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }
  colons(hex: string): string {
    return hex.match(/../g)?.join(':') ?? hex;
  }
  user(): string {
    return this.r.pick(['alice', 'bob', 'carol', 'dave', 'mateo', 'saanvi']);
  }
}

function cloudtrail(g: Gen): Labeled {
  const e = empty();
  const account = String(g.r.int(100000000000, 999999999999));
  const byService = g.r.chance(0.3);
  const ip = byService ? undefined : g.r.chance(0.2) ? g.ipv6() : g.publicIp();
  const service = g.r.pick(['ec2', 's3', 'iam', 'sts', 'kms']);
  const user = g.user();
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${g.hex(16).toUpperCase()}`,
      arn: `arn:aws:iam::${account}:user/${user}`,
      accountId: account,
      accessKeyId: `AKIA${g.hex(16).toUpperCase()}`,
      userName: user,
    },
    eventTime: '2023-07-19T21:17:28Z',
    eventSource: `${service}.amazonaws.com`,
    eventName: g.r.pick(['StartInstances', 'GetObject', 'CreateUser', 'AssumeRole', 'Decrypt']),
    awsRegion: 'us-east-1',
    sourceIPAddress: ip ?? `${service}.amazonaws.com`,
    userAgent: g.r.pick([
      'aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exe/x86_64.amzn.2',
      'Boto3/1.28.0 md/Botocore#1.31.0 ua/2.0 os/linux#5.10.0 lang/python#3.11.4',
      `${service}.amazonaws.com`,
    ]),
    requestID: g.uuid(),
    eventID: g.uuid(),
    readOnly: false,
    resources: [{ ARN: `arn:aws:kms:us-east-1:${account}:key/${g.uuid()}`, accountId: account }],
    recipientAccountId: account,
    tlsDetails: { tlsVersion: 'TLSv1.3', clientProvidedHostHeader: `${service}.us-east-1.amazonaws.com` },
  };
  if (ip) e.ips.push(ip.includes(':') ? ip : ip);
  e.domains.push(`${service}.amazonaws.com`, `${service}.us-east-1.amazonaws.com`);
  return { format: 'cloudtrail', record, expected: e };
}

function zeekConn(g: Gen): Labeled {
  const e = empty();
  const src = g.privateIp();
  const dst = g.r.chance(0.2) ? g.ipv6() : g.publicIp();
  e.ips.push(src, dst);
  const tunnel = g.r.chance(0.2) ? [`C${g.hex(17)}`] : [];
  return {
    format: 'zeek conn',
    record: {
      ts: 1600272959.305988,
      uid: `C${g.hex(17)}`,
      'id.orig_h': src,
      'id.orig_p': g.r.int(1024, 65535),
      'id.resp_h': dst,
      'id.resp_p': g.r.pick([53, 80, 443, 22]),
      proto: 'tcp',
      service: 'ssl',
      duration: 0.254088,
      conn_state: 'SF',
      history: 'ShADadFf',
      tunnel_parents: tunnel,
      community_id: `1:${Buffer.from(g.hex(20), 'hex').toString('base64')}`,
    },
    expected: e,
  };
}

function zeekDns(g: Gen): Labeled {
  const e = empty();
  const src = g.privateIp();
  const resolver = g.privateIp();
  const query = g.r.chance(0.25) ? `${g.hex(32)}.us-west1.gcp.cloud.es.io` : g.host();
  const answer = g.publicIp();
  e.ips.push(src, resolver, answer);
  e.domains.push(query);
  return {
    format: 'zeek dns',
    record: {
      ts: 1600272959.305988,
      uid: `C${g.hex(17)}`,
      'id.orig_h': src,
      'id.orig_p': g.r.int(1024, 65535),
      'id.resp_h': resolver,
      'id.resp_p': 53,
      proto: 'udp',
      trans_id: g.r.int(1, 65535),
      query,
      qtype_name: 'A',
      rcode_name: 'NOERROR',
      answers: [answer],
      TTLs: [300.0],
    },
    expected: e,
  };
}

function zeekX509(g: Gen): Labeled {
  const e = empty();
  const host = g.host();
  const sha1 = g.hex(40);
  e.sha1.push(sha1);
  e.domains.push(host);
  return {
    format: 'zeek x509',
    record: {
      ts: 1600272959.5,
      fingerprint: g.colons(sha1),
      'certificate.version': 3,
      'certificate.serial': g.hex(g.r.pick([16, 32])).toUpperCase(),
      'certificate.subject': `CN=${host},O=Example Inc.,L=San Francisco,ST=California,C=US`,
      'certificate.issuer': "CN=R3,O=Let's Encrypt,C=US",
      'certificate.key_alg': 'rsaEncryption',
      'certificate.sig_alg': 'sha256WithRSAEncryption',
      'san.dns': [host],
      'basic_constraints.ca': false,
    },
    expected: e,
  };
}

function zeekFiles(g: Gen): Labeled {
  const e = empty();
  const tx = g.publicIp();
  const rx = g.privateIp();
  const md5 = g.hex(32);
  const sha1 = g.hex(40);
  const sha256 = g.hex(64);
  e.ips.push(tx, rx);
  e.md5.push(md5);
  e.sha1.push(sha1);
  e.sha256.push(sha256);
  return {
    format: 'zeek files',
    record: {
      ts: 1600272959.684129,
      fuid: `F${g.hex(17)}`,
      tx_hosts: [tx],
      rx_hosts: [rx],
      source: 'HTTP',
      mime_type: 'application/x-dosexec',
      filename: 'setup.exe',
      md5,
      sha1,
      sha256,
      seen_bytes: g.r.int(100, 100000),
    },
    expected: e,
  };
}

function suricata(g: Gen): Labeled {
  const e = empty();
  const src = g.privateIp();
  const dst = g.publicIp();
  e.ips.push(src, dst);
  const kind = g.r.pick(['alert', 'tls', 'http', 'dns']);
  const record: Record<string, unknown> = {
    timestamp: '2017-04-07T22:24:37.251547+0100',
    flow_id: g.r.int(1e14, 9e14),
    event_type: kind,
    src_ip: src,
    src_port: g.r.int(1024, 65535),
    dest_ip: dst,
    dest_port: 443,
    proto: 'TCP',
  };
  if (kind === 'alert') {
    record.alert = {
      action: 'allowed',
      signature_id: g.r.int(2000000, 2999999),
      signature: `ET POLICY Observed DNS Query to ${g.notHost()} Domain`,
      category: 'Potentially Bad Traffic',
      metadata: { created_at: ['2019_07_26'], updated_at: ['2020_01_01'] },
    };
    // CIDR ranges in rule metadata are networks, not hosts.
    record.alert_context = { home_net: '[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]' };
  } else if (kind === 'tls') {
    const host = g.host();
    const sha1 = g.hex(40);
    e.domains.push(host);
    e.sha1.push(sha1);
    record.tls = {
      subject: `C=US, O=Example, CN=${host}`,
      // Serials run to 20 bytes; a 16-byte one has an MD5 fingerprint's shape.
      serial: g.colons(g.hex(g.r.pick([8, 16, 20]))).toUpperCase(),
      fingerprint: g.colons(sha1),
      sni: host,
      version: 'TLS 1.2',
      ja3: {
        hash: (() => {
          const h = g.hex(32);
          e.md5.push(h);
          return h;
        })(),
        string: '771,49195-49199,0-23-65281,29-23,0',
      },
    };
  } else if (kind === 'http') {
    const host = g.host();
    e.domains.push(host);
    record.http = {
      hostname: host,
      url: `/api/v1/${g.notHost()}?id=${g.uuid()}`,
      http_user_agent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:29.0) Gecko/20100101 Firefox/29.0',
      http_method: 'GET',
      protocol: 'HTTP/1.1',
      status: 200,
    };
  } else {
    const host = g.host();
    const answer = g.publicIp();
    e.domains.push(host);
    e.ips.push(answer);
    record.dns = { type: 'answer', rrname: host, rrtype: 'A', rdata: answer, ttl: 300 };
  }
  return { format: `suricata ${kind}`, record, expected: e };
}

function okta(g: Gen): Labeled {
  const e = empty();
  const ip = g.publicIp();
  const user = `${g.user()}@example.com`;
  e.ips.push(ip);
  e.emails.push(user);
  e.domains.push('example.com');
  const eventType = g.r.pick([
    'user.session.start',
    'user.authentication.sso',
    'policy.evaluate_sign_on',
    'app.oauth2.as.token.grant',
  ]);
  return {
    format: 'okta',
    record: {
      actor: { id: `00u${g.hex(17)}`, type: 'User', alternateId: user, displayName: 'A User' },
      client: {
        userAgent: {
          rawUserAgent:
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15',
          os: 'Mac OS X',
          browser: 'SAFARI',
        },
        zone: 'null',
        device: 'Computer',
        ipAddress: ip,
      },
      displayMessage: 'User login to Okta',
      eventType,
      legacyEventType: 'core.user_auth.login_success',
      outcome: { result: 'SUCCESS' },
      published: '2019-03-27T16:06:41.282Z',
      severity: 'INFO',
      transaction: { type: 'WEB', id: g.hex(27) },
      uuid: g.uuid(),
      version: '0',
      request: { ipChain: [{ ip, version: 'V4' }] },
      debugContext: { debugData: { requestUri: '/api/v1/authn', threatSuspected: 'false' } },
    },
    expected: e,
  };
}

function guardduty(g: Gen): Labeled {
  const e = empty();
  const remote = g.publicIp();
  const local = g.privateIp();
  const account = String(g.r.int(100000000000, 999999999999));
  e.ips.push(remote, local);
  const id = g.hex(32);
  // The finding id is 32 hex characters but an identifier, not a digest: documented as "The ID of the finding".
  return {
    format: 'guardduty',
    record: {
      schemaVersion: '2.0',
      accountId: account,
      region: 'us-east-1',
      id,
      arn: `arn:aws:guardduty:us-east-1:${account}:detector/${g.hex(32)}/finding/${id}`,
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      resource: { resourceType: 'Instance', instanceDetails: { instanceId: `i-${g.hex(17)}` } },
      service: {
        action: {
          actionType: 'NETWORK_CONNECTION',
          networkConnectionAction: {
            connectionDirection: 'INBOUND',
            remoteIpDetails: { ipAddressV4: remote, organization: { asn: '16509', asnOrg: 'AMAZON-02' } },
            localIpDetails: { ipAddressV4: local },
            remotePortDetails: { port: 50122 },
            localPortDetails: { port: 22 },
          },
        },
        count: 18,
        eventLastSeen: '2024-02-01T10:14:09.512Z',
      },
      severity: 5,
      title: `${remote} is performing SSH brute force attacks.`,
      createdAt: '2024-02-01T10:02:00.000Z',
      updatedAt: '2024-02-01T10:15:00.000Z',
    },
    expected: e,
  };
}

function vpcflow(g: Gen): Labeled {
  const e = empty();
  const src = g.privateIp();
  const dst = g.publicIp();
  e.ips.push(src, dst);
  return {
    format: 'vpcflow',
    record: {
      version: 2,
      'account-id': String(g.r.int(100000000000, 999999999999)),
      'interface-id': `eni-${g.hex(17)}`,
      srcaddr: src,
      dstaddr: dst,
      srcport: g.r.int(1024, 65535),
      dstport: 443,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: 'ACCEPT',
      'log-status': 'OK',
      'vpc-id': `vpc-${g.hex(8)}`,
      'subnet-id': `subnet-${g.hex(8)}`,
    },
    expected: e,
  };
}

function alb(g: Gen): Labeled {
  const e = empty();
  const client = g.publicIp();
  const target = g.privateIp();
  const host = g.host();
  e.ips.push(client, target);
  e.domains.push(host);
  return {
    format: 'alb',
    record: {
      type: 'https',
      time: '2018-07-02T22:23:00.186641Z',
      elb: `app/my-loadbalancer/${g.hex(16)}`,
      client_ip: client,
      client_port: g.r.int(1024, 65535),
      target_ip: target,
      target_port: 80,
      elb_status_code: 200,
      request: `GET https://${host}:443/index.html HTTP/1.1`,
      user_agent: 'curl/7.46.0',
      ssl_cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
      ssl_protocol: 'TLSv1.2',
      target_group_arn: `arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/${g.hex(16)}`,
      trace_id: `Root=1-${g.hex(8)}-${g.hex(24)}`,
      domain_name: host,
      target_port_list: `${target}:80`,
    },
    expected: e,
  };
}

function syslog(g: Gen): Labeled {
  const e = empty();
  const ip = g.publicIp();
  e.ips.push(ip);
  const user = g.user();
  const kind = g.r.int(0, 2);
  const message =
    kind === 0
      ? `Accepted publickey for ${user} from ${ip} port ${g.r.int(1024, 65535)} ssh2: ED25519 SHA256:${Buffer.from(g.hex(64), 'hex').toString('base64').replace(/=+$/, '')}`
      : kind === 1
        ? `[UFW BLOCK] IN=eth0 OUT= SRC=${ip} DST=${g.publicIp()} PROTO=TCP SPT=51515 DPT=23 allowlist 203.0.113.0/24`
        : `${g.notHost()}: connection from ${ip} refused by policy 10.0.0.0/8`;
  if (kind === 1) e.ips.push(message.match(/DST=(\S+)/)?.[1] as string);
  return {
    format: 'syslog',
    record: {
      facility: 4,
      severity: 6,
      syslog_format: 'rfc3164',
      timestamp: 'Mar  2 09:10:11',
      hostname: 'bastion',
      app_name: kind === 1 ? 'kernel' : 'sshd',
      procid: String(g.r.int(100, 9999)),
      message,
    },
    expected: e,
  };
}

const BUILDERS = [cloudtrail, zeekConn, zeekDns, zeekX509, zeekFiles, suricata, okta, guardduty, vpcflow, alb, syslog];

/** `perBuilder` records of each shape (11 shapes), reproducible from the seed. */
export function labeledSet(perBuilder = 30, seed = 11): Labeled[] {
  const g = new Gen(new Prng(seed));
  const out: Labeled[] = [];
  for (const build of BUILDERS) {
    for (let i = 0; i < perBuilder; i++) {
      const l = build(g);
      out.push({ ...l, expected: sorted(l.expected) });
    }
  }
  return out;
}
