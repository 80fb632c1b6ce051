import type { API } from '@opensearch-project/opensearch';
import { readChunkEnvelopes } from '../src/activities/envelope-codec';
import { indexNameOf, indexTemplate } from '../src/activities/sinks/opensearch/sink';
import type { BenchContext } from './bench-context';
import { deleteIndices } from './cleanup';

/** As the OpenSearch sink's default: one `_bulk` body holds up to 5 MiB. */
const MAX_BULK_BYTES = 5 * 1024 * 1024;
/** Bodies are held in memory before timing; past this much, the rest of the file's chunks are left out. */
const BODY_BUDGET_BYTES = 1024 * 1024 * 1024;

export interface RawBulkResult {
  /** Chunks of the file whose documents were sent (all of them unless over the memory budget). */
  chunks: number;
  docs: number;
  /** Bytes of the `_bulk` bodies (action and document lines). */
  bodyBytes: number;
  requests: number;
  concurrency: number;
  indices: number;
  ms: number;
  /** Items OpenSearch refused (should be 0). */
  itemErrors: number;
}

/**
 * The same documents the pipeline indexed: the envelopes the process stage left in staging, which the sink
 * reads and sends, serialized the way the sink does (action line with _id = row_id, then the envelope) and cut
 * the same way (5 MiB bodies). All bodies are built before the clock starts: only `_bulk` is timed.
 */
async function buildBodies(ctx: BenchContext, fileId: string, chunks: number, scratchPrefix: string) {
  const bodies: string[] = [];
  const indices = new Set<string>();
  let docs = 0;
  let bodyBytes = 0;
  let group: string[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length) bodies.push(group.join(''));
    group = [];
    groupBytes = 0;
  };
  let chunk = 0;
  for (; chunk < chunks && bodyBytes < BODY_BUDGET_BYTES; chunk++) {
    for (const e of await readChunkEnvelopes(ctx.s3, ctx.cfg.s3.stagingBucket, fileId, chunk)) {
      const index = indexNameOf(scratchPrefix, e);
      indices.add(index);
      const op = `${JSON.stringify({ index: { _index: index, _id: e.row_id } })}\n${JSON.stringify(e)}\n`;
      const size = Buffer.byteLength(op);
      if (group.length && groupBytes + size > MAX_BULK_BYTES) flush();
      group.push(op);
      groupBytes += size;
      bodyBytes += size;
      docs += 1;
    }
    // The sink cuts bodies per chunk: a chunk's last body is usually short, and so it is here.
    flush();
  }
  return { bodies, docs, bodyBytes, indices: indices.size, chunks: chunk };
}

/** Sends the bodies with `concurrency` requests in flight, as that many sink activities each sending in turn. */
async function sendAll(ctx: BenchContext, bodies: string[], concurrency: number): Promise<number> {
  let next = 0;
  let itemErrors = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const res = await ctx.opensearch.bulk({ body: body as unknown as API.Bulk_RequestBody });
      if (res.body.errors) {
        for (const item of res.body.items) if ((item.index?.status ?? 500) >= 300) itemErrors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, lane));
  return itemErrors;
}

/**
 * OpenSearch's own `_bulk` rate for those documents on this machine, into scratch indices named and mapped as
 * the pipeline's (its index template under a scratch prefix), deleted afterwards.
 */
export async function rawBulk(
  ctx: BenchContext,
  source: { fileId: string; chunks: number },
  concurrency: number,
): Promise<RawBulkResult> {
  // Not under the pipeline's prefix: two templates of one priority must not match the same index names.
  const scratchPrefix = `bench-raw-${ctx.runId}`;
  const templateName = `${scratchPrefix}-events`;
  ctx.say(`raw _bulk: reading the envelopes of ${source.chunks} chunk(s) from staging`);
  const { bodies, docs, bodyBytes, indices, chunks } = await buildBodies(
    ctx,
    source.fileId,
    source.chunks,
    scratchPrefix,
  );
  await ctx.opensearch.indices.putIndexTemplate({ name: templateName, body: indexTemplate(scratchPrefix) });
  try {
    ctx.say(`raw _bulk: ${docs} documents in ${bodies.length} requests, ${concurrency} in flight`);
    const started = Date.now();
    const itemErrors = await sendAll(ctx, bodies, concurrency);
    const ms = Date.now() - started;
    return { chunks, docs, bodyBytes, requests: bodies.length, concurrency, indices, ms, itemErrors };
  } finally {
    await deleteIndices(ctx, `${scratchPrefix}-`);
    await ctx.opensearch.indices.deleteIndexTemplate({ name: templateName });
  }
}
