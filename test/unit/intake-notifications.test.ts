import { describe, expect, it } from 'vitest';
import { decodeS3EventKey, parseNotification, UnusableNotification } from '../../src/intake/notifications';
import { guessLogType, parseRoutes, routeOf } from '../../src/intake/routes';
import {
  EVENTBRIDGE_OBJECT_CREATED,
  eventBridgeEvent,
  S3_PUT_EXAMPLE,
  S3_TEST_EVENT,
  s3EncodeKey,
  s3Event,
} from '../fixtures/s3-notifications';

describe('S3 notifications', () => {
  it("reads AWS's documented ObjectCreated:Put message", () => {
    expect(parseNotification(S3_PUT_EXAMPLE)).toEqual({
      kind: 'objects',
      skipped: [],
      arrivals: [
        {
          bucket: 'amzn-s3-demo-bucket',
          key: 'HappyFace.jpg',
          etag: 'd41d8cd98f00b204e9800998ecf8427e',
          size: 1024,
          versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
          sequencer: '0055AED6DCD90281E5',
          eventTime: '1970-01-01T00:00:00.000Z',
          eventName: 'ObjectCreated:Put',
          via: 's3',
        },
      ],
    });
  });

  it('recognises s3:TestEvent', () => {
    expect(parseNotification(S3_TEST_EVENT)).toEqual({ kind: 'test', bucket: 'amzn-s3-demo-bucket' });
  });

  it("reads EventBridge's documented Object Created event", () => {
    const n = parseNotification(EVENTBRIDGE_OBJECT_CREATED);
    expect(n.kind === 'objects' && n.arrivals).toEqual([
      {
        bucket: 'amzn-s3-demo-bucket1',
        key: 'example-key',
        etag: 'b1946ac92492d2347c6235b4d2611184',
        size: 5,
        versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        sequencer: '617f08299329d189',
        eventTime: '2021-11-12T00:00:00Z',
        eventName: 'Object Created/PutObject',
        via: 'eventbridge',
      },
    ]);
  });

  it('decodes keys the way S3 encodes them: + is a space, %2B a plus, UTF-8 escapes', () => {
    expect(decodeS3EventKey('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeS3EventKey('this+im+%2B+age+blah.txt')).toBe('this im + age blah.txt');
    const tricky = 'logs/a b/c+d/é日本/€ 100%.json';
    expect(decodeS3EventKey(s3EncodeKey(tricky))).toBe(tricky);
    expect(() => decodeS3EventKey('bad%E0%A4%A')).toThrow(UnusableNotification);
  });

  it('keeps several records of one message apart and skips what is not a creation', () => {
    const n = parseNotification(
      s3Event([
        { bucket: 'b', key: 'x/one two.json', etag: '"e1"' },
        { bucket: 'b', key: 'x/gone.json', etag: 'e2', eventName: 'ObjectRemoved:Delete' },
        { bucket: 'b', key: 'x/3+3.json', etag: 'e3', eventName: 'ObjectCreated:CompleteMultipartUpload' },
      ]),
    );
    if (n.kind !== 'objects') throw new Error('expected objects');
    expect(n.arrivals.map((a) => [a.key, a.etag])).toEqual([
      ['x/one two.json', 'e1'],
      ['x/3+3.json', 'e3'],
    ]);
    expect(n.skipped).toEqual([{ eventName: 'ObjectRemoved:Delete', bucket: 'b', key: 'x/gone.json' }]);
  });

  it('takes EventBridge keys as they are', () => {
    const n = parseNotification(eventBridgeEvent({ bucket: 'b', key: 'a b+c.json', etag: 'e' }));
    expect(n.kind === 'objects' && n.arrivals[0]?.key).toBe('a b+c.json');
  });

  it('reads MinIO webhook bodies (S3 records in an envelope)', () => {
    const body = JSON.stringify({
      EventName: 's3:ObjectCreated:Put',
      Key: 'b/k',
      ...JSON.parse(s3Event([{ bucket: 'b', key: 'k', etag: 'e' }])),
    });
    const n = parseNotification(body.replace('"ObjectCreated:Put"', '"s3:ObjectCreated:Put"'));
    expect(n.kind === 'objects' && n.arrivals.map((a) => [a.key, a.via])).toEqual([['k', 'minio']]);
  });

  it('says why a body is unusable', () => {
    expect(() => parseNotification('not json')).toThrow(/not JSON/);
    expect(() => parseNotification('[1]')).toThrow(/not a JSON object/);
    expect(() => parseNotification('{"hello":1}')).toThrow(/neither an S3 event notification/);
    expect(() => parseNotification('{"Records":[{"s3":{}}]}')).toThrow(/Records\[0\] has no s3.bucket.name/);
  });
});

describe('routing rules', () => {
  const routes = parseRoutes(
    'landing/AWSLogs/*/CloudTrail/=acme:cloudtrail; landing/zeek/**/conn=acme:zeek;\nlanding/drop/=globex:auto',
  );

  it('maps bucket + prefix pattern to tenant and log type, first match wins', () => {
    expect(routeOf(routes, 'landing', 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/25/x.json.gz')).toMatchObject({
      tenant: 'acme',
      logType: 'cloudtrail',
    });
    expect(routeOf(routes, 'landing', 'AWSLogs/123456789012/Config/x.json')).toBeUndefined();
    expect(routeOf(routes, 'landing', 'zeek/site-a/2026/conn.01.log')).toMatchObject({ logType: 'zeek' });
    expect(routeOf(routes, 'other', 'zeek/x/conn.log')).toBeUndefined();
    expect(routes.map((r) => r.listPrefix)).toEqual(['AWSLogs/', 'zeek/', 'drop/']);
  });

  it('guesses the log type for auto', () => {
    expect(routeOf(routes, 'landing', 'drop/eve.json')?.logType).toBe('suricata');
    expect(routeOf(routes, 'landing', 'drop/dns.2026-11-25.log')?.logType).toBe('zeek');
    expect(routeOf(routes, 'landing', 'drop/misc.ndjson')?.logType).toBe('json');
    expect(guessLogType('AWSLogs/1/CloudTrail/us-east-1/2026/01/01/1_CloudTrail_us-east-1_x.json.gz')).toBe(
      'cloudtrail',
    );
  });

  it('keeps = inside the pattern (Hive-style partitions) and understands date placeholders', () => {
    const [r] = parseRoutes('b/dt={yyyy}-{mm}-{dd}/=t1:json');
    expect(r?.listPrefix).toBe('dt=');
    expect(r && routeOf([r], 'b', 'dt=2026-11-25/part-0.json')).toBeDefined();
    expect(r && routeOf([r], 'b', 'dt=latest/part-0.json')).toBeUndefined();
  });

  it('names every bad rule at once', () => {
    expect(() => parseRoutes('nobucket=acme:json; b/p=Acme:json; b/p=acme:nope; b/p=acme')).toThrow(
      /nobucket=acme:json.*\n.*tenant "Acme".*\n.*unknown log type "nope".*\n.*b\/p=acme/s,
    );
  });
});
