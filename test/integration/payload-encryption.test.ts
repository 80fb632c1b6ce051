import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIngestClient, type IngestClient } from '../../src/client/ingest-client';
import type { SluiceConfig } from '../../src/config/load';
import type { FileRef, IngestSummary } from '../../src/contracts/ingest';
import { approveSignal } from '../../src/contracts/messages';
import { createLogger } from '../../src/shared/log';
import { ensureTemporal } from '../../src/stack/tools';
import { createWorker, type SluiceWorker } from '../../src/worker/worker';
import { cfg } from '../helpers/env';
import { sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';
import { freePort } from '../helpers/nginx';

const KEYS = `k2=${Buffer.alloc(32, 22).toString('base64')},k1=${Buffer.alloc(32, 11).toString('base64')}`;
const bin = path.resolve(__dirname, '..', '..', 'bin', 'sluice.js');

interface RawPayload {
  metadata?: Record<string, Uint8Array | null> | null;
  data?: Uint8Array | null;
}

/** Every payload in a history (inputs, results, signals, failures, memos), except search attributes, which are indexed in clear by design. */
function payloadsOf(node: unknown, out: RawPayload[] = [], inSearchAttributes = false): RawPayload[] {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) payloadsOf(n, out, inSearchAttributes);
    return out;
  }
  const o = node as Record<string, unknown>;
  if ('metadata' in o && 'data' in o && o.metadata && typeof o.metadata === 'object' && !inSearchAttributes) {
    out.push(o as RawPayload);
    return out;
  }
  for (const [k, v] of Object.entries(o)) payloadsOf(v, out, inSearchAttributes || k === 'searchAttributes');
  return out;
}

const encodingOf = (p: RawPayload) => Buffer.from(p.metadata?.encoding ?? []).toString();

function temporalCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) =>
    ensureTemporal(cfg.stack.toolsDir, () => undefined).then(
      (temporal) =>
        execFile(temporal, args, { timeout: 60_000 }, (error, out, err) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out, err }),
        ),
      reject,
    ),
  );
}

describe('payload encryption: ciphertext in history, plain through the codec', () => {
  const taskQueue = uniq('enc-ingest');
  const encCfg: SluiceConfig = {
    ...cfg,
    temporal: { ...cfg.temporal, taskQueue },
    codec: { ...cfg.codec, keys: KEYS, serverToken: 'codec-token-1' },
  };
  let worker: SluiceWorker;
  let running: Promise<void>;
  let client: IngestClient;
  let raw: Client;
  let rawConnection: Connection;
  let codecServer: ChildProcess;
  let codecUrl = '';

  beforeAll(async () => {
    worker = await createWorker(encCfg, { log: createLogger('error'), taskQueue });
    running = worker.worker.run();
    client = await connectIngestClient(encCfg);
    rawConnection = await Connection.connect({ address: cfg.temporal.address });
    raw = new Client({ connection: rawConnection, namespace: cfg.temporal.namespace });
    const port = await freePort();
    codecUrl = `http://127.0.0.1:${port}`;
    codecServer = spawn(process.execPath, [bin, 'codec-server', '--port', String(port)], {
      env: { ...process.env, SLUICE_CODEC_KEYS: KEYS, SLUICE_CODEC_SERVER_TOKEN: 'codec-token-1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      codecServer.stdout?.once('data', () => resolve());
      codecServer.once('exit', (code) => reject(new Error(`codec-server exited ${code}`)));
    });
  });
  afterAll(async () => {
    codecServer?.kill('SIGTERM');
    await client?.close();
    await rawConnection?.close();
    worker?.worker.shutdown();
    await running;
    await worker?.close();
  });

  it('an ingest completes; every payload of its history, signals included, is AES-GCM ciphertext', async () => {
    const tenant = uniq('enc');
    const dir = await tempDir();
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ts: 1_700_000_000 + i, uid: `C${i}` }));
    const ref = await upload(await writeLines(path.join(dir, 'conn.ndjson'), lines), tenant, 'zeek');
    const handle = await client.start(ref);
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.written).toEqual({ s3: 30, snowflake: 30, opensearch: 30 });
    expect((await sinkCounts(tenant)).opensearch).toBe(30);

    const history = await raw.workflow.getHandle(handle.workflowId).fetchHistory();
    const payloads = payloadsOf(history.events);
    expect(payloads.length).toBeGreaterThan(5);
    expect(new Set(payloads.map(encodingOf))).toEqual(new Set(['binary/encrypted']));
    const text = Buffer.concat(payloads.map((p) => Buffer.from(p.data ?? []))).toString('latin1');
    expect(text).not.toContain('conn.ndjson');
    expect(text).not.toContain('"records"');

    // The raw client (no codec) cannot read the result; Sluice's client can.
    await expect(raw.workflow.getHandle(handle.workflowId).result()).rejects.toThrow(
      'Unknown encoding: binary/encrypted',
    );
  });

  it('a failure message and a signal are ciphertext in history; the codec client still reads the failure', async () => {
    const missing: FileRef = {
      bucket: cfg.s3.landingBucket,
      key: `${uniq('absent')}/secret-host-name.log`,
      etag: 'e0',
      tenant: uniq('enc-fail'),
      logType: 'zeek',
    };
    const handle = await client.start(missing);
    await handle.signal(approveSignal, { by: 'ops-person-marker' }).catch(() => undefined);
    const status = await waitForEnd(client, handle.workflowId);
    // A missing object waits for a decision at split; the codec client reads the error through the status query.
    expect(status.progress?.status).toBe('AwaitingDecision');
    expect(JSON.stringify(status.progress)).toMatch(/secret-host-name\.log/);
    const history = await raw.workflow.getHandle(handle.workflowId).fetchHistory();
    const json = JSON.stringify(history.events, (_k, v) =>
      v instanceof Uint8Array || (v && v.type === 'Buffer') ? Buffer.from(v.data ?? v).toString('latin1') : v,
    );
    expect(json).not.toContain('ops-person-marker');
    const failures = (history.events ?? []).flatMap((e) =>
      [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure].filter(Boolean),
    );
    expect(failures.length).toBeGreaterThan(0);
    expect(json).not.toContain('NoSuchKey');
    for (const f of failures) {
      expect(f?.message).toBe('Encoded failure');
      expect(f?.stackTrace ?? '').toBe('');
    }
    await raw.workflow.getHandle(handle.workflowId).terminate('test done');
  });

  it('`sluice codec-server` decodes history payloads for the Web UI; the stock CLI shows ciphertext without it', async () => {
    const ids = await raw.workflow.list({ query: `TaskQueue="${taskQueue}"` });
    let workflowId = '';
    for await (const w of ids) {
      if (w.status.name === 'COMPLETED') workflowId = w.workflowId;
    }
    expect(workflowId).not.toBe('');
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as RawPayload;
    const asJson = {
      metadata: Object.fromEntries(
        Object.entries(input.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
      ),
      data: Buffer.from(input.data ?? []).toString('base64'),
    };
    const decode = (auth?: string) =>
      fetch(`${codecUrl}/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: cfg.temporal.uiUrl,
          ...(auth ? { authorization: auth } : {}),
        },
        body: JSON.stringify({ payloads: [asJson] }),
      });
    expect((await decode()).status).toBe(401);
    const res = await decode('Bearer codec-token-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(cfg.temporal.uiUrl);
    const [plain] = ((await res.json()) as { payloads: { data: string }[] }).payloads;
    const decoded = JSON.parse(Buffer.from(plain?.data ?? '', 'base64').toString()) as { file: FileRef };
    expect(decoded.file.key).toMatch(/conn\.ndjson$|^[0-9a-f]/);
    expect(decoded.file.tenant).toMatch(/^enc-/);

    const showArgs = ['workflow', 'show', '--address', cfg.temporal.address, '--workflow-id', workflowId, '-o', 'json'];
    const show = await temporalCli(showArgs);
    expect(show.code).toBe(0);
    // The CLI prints payloads as proto JSON (base64 metadata and data): read what the data says.
    const dataOf = (out: string) =>
      [...out.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)]
        .map((m) => Buffer.from(m[1] ?? '', 'base64').toString('latin1'))
        .join('\n');
    const encrypted = Buffer.from('binary/encrypted').toString('base64');
    expect(show.out).toContain(encrypted);
    expect(dataOf(show.out)).not.toContain('chunkTargetBytes');
    // The same stock CLI through the codec server reads the input in clear.
    const clear = await temporalCli([
      ...showArgs,
      '--codec-endpoint',
      codecUrl,
      '--codec-auth',
      'Bearer codec-token-1',
    ]);
    expect(clear.code).toBe(0);
    expect(clear.out).not.toContain(encrypted);
    expect(clear.out).toContain(Buffer.from('json/plain').toString('base64'));
    expect(dataOf(clear.out)).toContain('chunkTargetBytes');
  });
});

async function waitForEnd(client: IngestClient, workflowId: string) {
  for (let i = 0; i < 120; i++) {
    const s = await client.describe(workflowId);
    if (s.execution !== 'RUNNING' || s.progress?.status === 'AwaitingDecision') return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${workflowId} still running`);
}
