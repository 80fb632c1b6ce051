import { type API, type Client, errors } from '@opensearch-project/opensearch';
import { type Envelope, partitionTimeOf } from '../../../transforms/envelope';
import { type EnvelopeBatch, PermanentSinkError, type Sink, type SinkWriteResult } from '../sink';
import { AdaptiveThrottle, ThrottledError } from '../throttle';
import { onceUntilFailure } from '../util';
import { type BulkItem, itemError, pushBack, retryable, transportError } from './errors';
import { opensearchSpec } from './spec';

export interface OpenSearchSinkDeps {
  client: Client;
  indexPrefix: string;
  /** Replicas per shard in the index template; default 0 (the local single-node stack). */
  replicas?: number;
  /** Upper bound of one `_bulk` body; a single larger document is still sent, alone. Default 5 MiB. */
  maxBulkBytes?: number;
  /** Paces `_bulk` requests of the whole process by the cluster's push-back (429, breakers, 503). */
  throttle?: AdaptiveThrottle;
  /** How long one attempt keeps resending pushed-back documents before leaving it to Temporal's backoff. */
  maxThrottledWaitMs?: number;
}

export const DEFAULT_MAX_BULK_BYTES = 5 * 1024 * 1024;
// Short enough that a long push-back shows up as a retrying attempt in `sluice status` within a minute.
const DEFAULT_MAX_THROTTLED_WAIT_MS = 30_000;
const MAX_INDEX_NAME_BYTES = 255;

const keyword = { type: 'keyword' } as const;
const long = { type: 'long' } as const;
const ip = { type: 'ip' } as const;

export const NORMALIZED_FIELD_MAPPINGS = {
  src_ip: ip,
  src_port: long,
  dst_ip: ip,
  dst_port: long,
  user: keyword,
  action: keyword,
  outcome: keyword,
  cloud_account: keyword,
  cloud_region: keyword,
  ocsf_class: keyword,
  ocsf_class_uid: long,
};

/** The composable template every Sluice index is created from. */
export function indexTemplate(prefix: string, replicas = 0): API.Indices_PutIndexTemplate_RequestBody {
  return {
    index_patterns: [`${prefix}-*`],
    // Above catch-all templates (priority 0) so these mappings win for our indices.
    priority: 100,
    _meta: { managed_by: 'sluice' },
    template: {
      // 0 only on the local single-node stack: a replica there could never be assigned and indices would stay yellow.
      settings: { number_of_shards: 1, number_of_replicas: replicas },
      aliases: { [`${prefix}-all`]: {} },
      mappings: {
        dynamic: 'strict',
        properties: {
          row_id: keyword,
          tenant: keyword,
          log_type: keyword,
          event_time: { type: 'date' },
          event_time_source: keyword,
          partition_time: { type: 'date' },
          event_time_out_of_range: { type: 'boolean' },
          ingest_time: { type: 'date' },
          source: {
            properties: {
              bucket: keyword,
              key: keyword,
              etag: keyword,
              chunk: { type: 'long' },
              line: { type: 'long' },
            },
          },
          indicators: {
            properties: {
              ips: { type: 'ip' },
              domains: keyword,
              md5: keyword,
              sha1: keyword,
              sha256: keyword,
              emails: keyword,
            },
          },
          // The normalized fields, typed so a query on them uses the index (see normalized-fields.ts).
          fields: { properties: NORMALIZED_FIELD_MAPPINGS },
          // Each source has its own fields, some colliding in type (a string here, an object there):
          // one flat_object field indexes them all as keywords with no per-field mapping to explode or conflict.
          event: { type: 'flat_object' },
        },
      },
    },
  };
}

// Forbidden in index names: \ / * ? " < > | space , # and : (deprecated).
const FORBIDDEN = /[\\/*?"<>| ,#:\s]/g;

/** `<prefix>-<tenant>-<log_type>-<yyyy.mm.dd>` of the event time (UTC), made a legal index name. */
export function indexNameOf(prefix: string, e: Envelope): string {
  // The event time, or the file's when the event time was out of range (see envelope.ts): bounded fan-out.
  const day = partitionTimeOf(e).slice(0, 10).replaceAll('-', '.');
  return `${prefix}-${e.tenant}-${e.log_type}-${day}`.toLowerCase().replace(FORBIDDEN, '_');
}

export interface BulkOp {
  index: string;
  rowId: string;
  /** Action and document lines, newline-terminated. */
  body: string;
}

/** One envelope as a `_bulk` index operation; also what the bench sends, so both serialize alike. */
export function bulkOp(indexPrefix: string, e: Envelope): BulkOp {
  const index = indexNameOf(indexPrefix, e);
  if (Buffer.byteLength(index) > MAX_INDEX_NAME_BYTES) {
    throw new PermanentSinkError('opensearch', `index name longer than 255 bytes: ${index}`, 'InvalidIndexName');
  }
  // _id = row_id: writing the row again replaces the document instead of adding one.
  const action = JSON.stringify({ index: { _index: index, _id: e.row_id } });
  return { index, rowId: e.row_id, body: `${action}\n${JSON.stringify(e)}\n` };
}

export function createOpenSearchSink(deps: OpenSearchSinkDeps): Sink {
  const { client, indexPrefix } = deps;
  const maxBulkBytes = deps.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES;
  const throttle =
    deps.throttle ?? new AdaptiveThrottle({ name: 'opensearch', maxConcurrent: opensearchSpec.concurrency });
  const maxThrottledWaitMs = deps.maxThrottledWaitMs ?? DEFAULT_MAX_THROTTLED_WAIT_MS;

  /** Sends one `_bulk`; returns how many were acknowledged, the ops to send again, and why (when pushed back). */
  async function sendBulk(ops: BulkOp[]): Promise<{ acked: number; again: BulkOp[]; pushedBack?: string }> {
    let items: Record<string, BulkItem>[];
    try {
      // A pre-serialized NDJSON string is passed through as is; the typings only know the array form.
      const res = await client.bulk({ body: ops.map((o) => o.body).join('') as unknown as API.Bulk_RequestBody });
      items = res.body.items as Record<string, BulkItem>[];
    } catch (e) {
      if (e instanceof errors.ResponseError && pushBack(e.statusCode)) {
        const error = e.body?.error as { type?: string; reason?: string } | undefined;
        return {
          acked: 0,
          again: ops,
          pushedBack: `HTTP ${e.statusCode} ${error?.type ?? ''}: ${error?.reason ?? ''}`,
        };
      }
      throw transportError(e, '_bulk', 'Rejected');
    }
    let acked = 0;
    const again: BulkOp[] = [];
    let pushedBack: string | undefined;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as BulkOp;
      const item = items[i]?.index;
      if (item === undefined)
        throw new Error(`opensearch: _bulk answered ${items.length} items for ${ops.length} operations`);
      if (item.status >= 200 && item.status < 300) acked++;
      else if (retryable(item.status)) {
        again.push(op);
        pushedBack ??= `item HTTP ${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`;
      } else throw itemError(item, op);
    }
    return { acked, again, pushedBack };
  }

  /**
   * One byte-capped group. Documents the cluster pushes back on are sent again, paced by the shared throttle,
   * for up to maxThrottledWaitMs; after that the attempt fails as Throttled and Temporal backs off further.
   * Documents are keyed by row id, so sending one twice never duplicates it.
   */
  async function sendWithRetries(ops: BulkOp[]): Promise<number> {
    let acked = 0;
    let pending = ops;
    const started = Date.now();
    for (;;) {
      const res = await throttle.run(() => sendBulk(pending));
      acked += res.acked;
      if (res.again.length === 0) {
        throttle.succeeded();
        return acked;
      }
      throttle.throttled(res.pushedBack ?? 'documents refused as overloaded');
      if (Date.now() - started > maxThrottledWaitMs) {
        throw new ThrottledError(
          `opensearch: ${res.again.length} document(s) still pushed back after ${Math.round((Date.now() - started) / 1000)} s ` +
            `(${res.pushedBack}; e.g. index ${res.again[0]?.index}, row_id ${res.again[0]?.rowId})`,
        );
      }
      pending = res.again;
    }
  }

  /** Sends each byte-capped group as soon as it is full: at most one group of a chunk is held as bulk text. */
  async function write(batch: EnvelopeBatch): Promise<SinkWriteResult> {
    let written = 0;
    let group: BulkOp[] = [];
    let bytes = 0;
    for (const e of batch.envelopes) {
      const op = bulkOp(indexPrefix, e);
      const size = Buffer.byteLength(op.body);
      if (group.length > 0 && bytes + size > maxBulkBytes) {
        written += await sendWithRetries(group);
        group = [];
        bytes = 0;
      }
      group.push(op);
      bytes += size;
    }
    if (group.length > 0) written += await sendWithRetries(group);
    return { written };
  }

  return {
    name: 'opensearch',
    prepare: onceUntilFailure(async () => {
      try {
        await client.indices.putIndexTemplate({
          name: `${indexPrefix}-events`,
          body: indexTemplate(indexPrefix, deps.replicas),
        });
        // Indices made from an older template are strict without `fields`; adding a field to a mapping is allowed.
        await client.indices.putMapping({
          index: `${indexPrefix}-*`,
          allow_no_indices: true,
          body: { properties: { fields: { properties: NORMALIZED_FIELD_MAPPINGS } } },
        });
      } catch (e) {
        throw transportError(e, `index template ${indexPrefix}-events`, 'TemplateRejected');
      }
    }),
    write,
    // The client is shared with the rest of the worker, which closes it.
    async close() {},
  };
}
