import { createHash } from 'node:crypto';
import { type Client, errors } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenSearchSink, indexNameOf } from '../../src/activities/sinks/opensearch/sink';
import { PermanentSinkError } from '../../src/activities/sinks/sink';
import { AdaptiveThrottle, ThrottledError } from '../../src/activities/sinks/throttle';
import { createOpenSearch } from '../../src/shared/clients';
import { type Envelope, getParser, normalize } from '../../src/transforms';
import { cfg, type TestBatch, uniq } from '../helpers/env';

const os = createOpenSearch(cfg.opensearch);
const prefix = cfg.opensearch.indexPrefix;
const sink = createOpenSearchSink({ client: os, indexPrefix: prefix });
const tenants: string[] = [];

// 60 s apart from 2024-01-02 23:00: lines 1–59 on 2024-01-02, the rest on 2024-01-03 (two daily indices).
const BASE = Date.UTC(2024, 0, 2, 23, 0, 0, 250);
const md5Of = (line: number) => createHash('md5').update(`payload ${line}`).digest('hex');

function batch(tenant: string, fileId: string, firstLine: number, lastLine: number, chunk = 0): TestBatch {
  const envelopes: Envelope[] = [];
  for (let line = firstLine; line <= lastLine; line++) {
    const record = {
      ts: (BASE + line * 60_000) / 1000,
      uid: `C${line}`,
      // Even lines from 10.2.0.0/16, odd ones from 10.3.0.0/16.
      'id.orig_h': `10.${line % 2 ? 3 : 2}.${line >> 8}.${line & 255}`,
      'id.resp_h': '203.0.113.7',
      'id.resp_p': 443,
      // The same field name as an object in some records and a string in others: no mapping conflict.
      files: line % 3 ? { md5: md5Of(line) } : `md5:${md5Of(line)}`,
    };
    const source = { bucket: cfg.s3.landingBucket, key: `${tenant}/conn.log`, etag: 'e1', chunk, line };
    const time = new Date(BASE);
    const parser = getParser('zeek');
    envelopes.push(normalize({ record, parser, tenant, fileId, source, fileTime: time, ingestTime: time }));
  }
  return { fileId, chunk, firstLine, lastLine, envelopes };
}

function newTenant(): string {
  const t = uniq('sinkos');
  tenants.push(t);
  return t;
}

async function count(tenant: string, query?: object): Promise<number> {
  await os.indices.refresh({ index: `${prefix}-${tenant}-*` });
  const res = await os.count({ index: `${prefix}-${tenant}-*`, body: query ? { query } : {} });
  return res.body.count;
}

/** Row ids of every document of the tenant (at most 10,000, the default result window). */
async function rowIds(tenant: string): Promise<string[]> {
  const res = await os.search({ index: `${prefix}-${tenant}-*`, body: { size: 10_000, _source: ['row_id'] } });
  return res.body.hits.hits.map((h) => (h._source as { row_id: string }).row_id);
}

beforeAll(() => sink.prepare());

afterAll(async () => {
  for (const t of tenants) await os.indices.delete({ index: `${prefix}-${t}-*`, ignore_unavailable: true });
  await os.close();
});

describe('OpenSearch sink', () => {
  it('indexes 1,000 envelopes into daily indices named <prefix>-<tenant>-<log type>-<yyyy.mm.dd>', async () => {
    const tenant = newTenant();
    const b = batch(tenant, uniq('file'), 1, 1000);
    expect(await sink.write(b)).toEqual({ written: 1000 });
    expect(await count(tenant)).toBe(1000);
    const indices = await os.cat.indices({ index: `${prefix}-${tenant}-*`, format: 'json' });
    const names = (indices.body as { index: string }[]).map((i) => i.index).sort();
    expect(names).toEqual([`${prefix}-${tenant}-zeek-2024.01.02`, `${prefix}-${tenant}-zeek-2024.01.03`]);
    expect(await count(tenant, { range: { event_time: { lt: '2024-01-03T00:00:00Z' } } })).toBe(59);
    const doc = await os.get({ index: indexNameOf(prefix, b.envelopes[99] as Envelope), id: b.envelopes[99]?.row_id });
    expect(doc.body._source).toEqual(b.envelopes[99]);
    // The template's alias spans every Sluice index.
    const viaAlias = await os.count({ index: `${prefix}-all`, body: { query: { term: { tenant } } } });
    expect(viaAlias.body.count).toBe(1000);
  });

  it('maps indicators.ips as ip (CIDR term queries work), hashes as keyword and the event as flat_object', async () => {
    const tenant = newTenant();
    await sink.write(batch(tenant, uniq('file'), 1, 1000));
    expect(await count(tenant, { term: { 'indicators.ips': '10.2.0.0/16' } })).toBe(500);
    expect(await count(tenant, { term: { 'indicators.ips': '10.3.1.0/24' } })).toBe(128);
    expect(await count(tenant, { term: { 'indicators.ips': '203.0.113.7' } })).toBe(1000);
    expect(await count(tenant, { term: { 'indicators.md5': md5Of(321) } })).toBe(1);
    expect(await count(tenant, { term: { 'event.id.resp_p': '443' } })).toBe(1000);
    const index = `${prefix}-${tenant}-zeek-2024.01.03`;
    const mapping = await os.indices.getMapping({ index });
    const props = mapping.body[index]?.mappings.properties as Record<string, { type?: string; properties?: object }>;
    const indicators = props.indicators?.properties as Record<string, { type: string }>;
    expect(indicators.md5?.type).toBe('keyword');
    expect(indicators.ips?.type).toBe('ip');
    expect(props.event?.type).toBe('flat_object');
    expect(props.event_time?.type).toBe('date');
    expect(mapping.body[index]?.mappings.dynamic).toBe('strict');
  });

  it('is idempotent: the same batch twice, then another chunking, leave exactly one document per row', async () => {
    const tenant = newTenant();
    const fileId = uniq('file');
    await sink.write(batch(tenant, fileId, 1, 1000));
    expect(await sink.write(batch(tenant, fileId, 1, 1000))).toEqual({ written: 1000 });
    expect(await count(tenant)).toBe(1000);
    await sink.write(batch(tenant, fileId, 1, 333, 0));
    await sink.write(batch(tenant, fileId, 334, 1000, 1));
    expect(await count(tenant)).toBe(1000);
    const ids = await rowIds(tenant);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
  });

  it('splits a batch into several _bulk requests under maxBulkBytes', async () => {
    const tenant = newTenant();
    let requests = 0;
    const small = createOpenSearchSink({
      client: spyBulk(os, () => requests++),
      indexPrefix: prefix,
      maxBulkBytes: 64 * 1024,
    });
    expect(await small.write(batch(tenant, uniq('file'), 1, 1000))).toEqual({ written: 1000 });
    expect(requests).toBeGreaterThan(5);
    expect(await count(tenant)).toBe(1000);
  });

  it('retries only the items rejected with 429, then counts every document once', async () => {
    const tenant = newTenant();
    const sent: number[] = [];
    const flaky = createOpenSearchSink({ client: rejectEveryOtherOnce(os, sent), indexPrefix: prefix });
    expect(await flaky.write(batch(tenant, uniq('file'), 1, 200))).toEqual({ written: 200 });
    expect(sent).toEqual([100, 100]);
    expect(await count(tenant)).toBe(200);
  });

  it('a 429 on the whole request is pushed back, paced, and after the attempt budget fails as Throttled (retryable)', async () => {
    let calls = 0;
    const overloaded = new Proxy(os, {
      get: (target, p, receiver) =>
        p === 'bulk'
          ? async () => {
              calls += 1;
              throw new errors.ResponseError({
                statusCode: 429,
                body: { error: { type: 'es_rejected_execution_exception', reason: 'queue full' } },
              } as never);
            }
          : Reflect.get(target, p, receiver),
    });
    const throttle = new AdaptiveThrottle({ name: 'opensearch', maxConcurrent: 4, minPauseMs: 50, maxPauseMs: 200 });
    const err = await createOpenSearchSink({
      client: overloaded,
      indexPrefix: prefix,
      throttle,
      maxThrottledWaitMs: 600,
    })
      .write(batch(newTenant(), uniq('file'), 1, 3))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).not.toBeInstanceOf(PermanentSinkError);
    expect((err as Error).message).toContain('HTTP 429 es_rejected_execution_exception: queue full');
    // Paced, not hammered: pauses of 50, 100, 200, 200… ms within 600 ms leave room for a handful of tries.
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(10);
    expect(throttle.state.limit).toBe(1);
  });

  it("OpenSearch's own push-back (a tripped in-flight-requests breaker, HTTP 429) slows the sink down, and every document lands once", async () => {
    const tenant = newTenant();
    const throttle = new AdaptiveThrottle({ name: 'opensearch', maxConcurrent: 4, minPauseMs: 200, maxPauseMs: 1000 });
    const paced = createOpenSearchSink({ client: os, indexPrefix: prefix, throttle });
    await paced.prepare();
    // Any request body over 2 KiB is refused by the node itself until the limit is lifted.
    const breaker = (limit: string | null) =>
      os.cluster.putSettings({ body: { transient: { 'network.breaker.inflight_requests.limit': limit } } });
    await breaker('2kb');
    let writing: Promise<unknown> | undefined;
    try {
      writing = paced.write(batch(tenant, uniq('file'), 1, 300));
      await new Promise((r) => setTimeout(r, 3000));
      expect(throttle.state.throttledTotal).toBeGreaterThan(0);
      expect(throttle.state.limit).toBeLessThan(4);
    } finally {
      await breaker(null);
    }
    expect(await writing).toEqual({ written: 300 });
    expect(await count(tenant)).toBe(300);
  });

  it('treats a refused connection as transient', async () => {
    const nowhere = createOpenSearch({ ...cfg.opensearch, url: 'http://127.0.0.1:1' });
    const err = await createOpenSearchSink({ client: nowhere, indexPrefix: prefix })
      .write(batch(newTenant(), uniq('file'), 1, 3))
      .catch((e: unknown) => e);
    await nowhere.close();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentSinkError);
    expect((err as Error).message).toMatch(/^opensearch: _bulk failed: /);
  });

  it('fails permanently with MappingConflict, naming index and row, when an index maps a field differently', async () => {
    const tenant = newTenant();
    const b = batch(tenant, uniq('file'), 1, 10);
    const index = indexNameOf(prefix, b.envelopes[0] as Envelope);
    // Explicit mappings on index creation override the template's, as an operator's hand-made index would.
    await os.indices.create({
      index,
      body: { mappings: { properties: { indicators: { properties: { ips: { type: 'integer' } } } } } },
    });
    const err = await sink.write(b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentSinkError);
    expect(err).toMatchObject({ sink: 'opensearch', type: 'MappingConflict' });
    expect((err as Error).message).toContain(index);
    expect((err as Error).message).toContain(b.envelopes[0]?.row_id);
    expect((err as Error).message).toContain('mapper_parsing_exception');
  });
});

/** The real client, counting `_bulk` requests. */
function spyBulk(client: Client, onBulk: () => void): Client {
  return new Proxy(client, {
    get(target, p, receiver) {
      if (p !== 'bulk') return Reflect.get(target, p, receiver);
      return (params: Parameters<Client['bulk']>[0]) => {
        onBulk();
        return target.bulk(params);
      };
    },
  });
}

/**
 * The real client, except that the first `_bulk` only really sends every other document and answers 429 for
 * the rest, as a node with a full write queue does. Records how many documents each request really sent.
 */
function rejectEveryOtherOnce(client: Client, sent: number[]): Client {
  let first = true;
  return new Proxy(client, {
    get(target, p, receiver) {
      if (p !== 'bulk') return Reflect.get(target, p, receiver);
      return async (params: { body: unknown }) => {
        const lines = String(params.body).trimEnd().split('\n');
        const pairs = lines.flatMap((l, i) => (i % 2 ? [] : [[l, lines[i + 1] as string]]));
        const keep = first ? pairs.filter((_, i) => i % 2 === 0) : pairs;
        const res = await target.bulk({ body: keep.flat().map((l) => JSON.parse(l)) });
        sent.push(keep.length);
        if (!first) return res;
        first = false;
        const real = res.body.items;
        const items = pairs.map((pair, i) => {
          if (i % 2 === 0) return real[i / 2];
          const { _index, _id } = JSON.parse(pair[0]).index;
          return {
            index: { _index, _id, status: 429, error: { type: 'rejected_execution_exception', reason: 'queue full' } },
          };
        });
        return { ...res, body: { ...res.body, errors: true, items } };
      };
    },
  });
}
