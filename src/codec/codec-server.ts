import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

/**
 * The remote codec endpoint the Temporal Web UI (and `temporal` CLI's --codec-endpoint) call to show encrypted
 * payloads in clear: POST /decode and /encode with `{"payloads": [...]}` in proto3 JSON. Keys never leave this
 * process; the browser sees only what it is allowed to decode.
 */
export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call (the Web UI's); others get no CORS headers, so their browser refuses. */
  corsOrigins: string[];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Longest request body accepted. */
  maxBodyBytes?: number;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function createCodecServer(options: CodecServerOptions): Server {
  const origins = new Set(options.corsOrigins.map((o) => o.replace(/\/+$/, '')));
  const max = options.maxBodyBytes ?? 16 * 1024 * 1024;
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
    }
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(origin && origins.has(origin) ? 204 : 403);
      res.end();
      return;
    }
    const route = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && route === '/health') return send(200, { ok: true });
    if (req.method !== 'POST' || (route !== '/decode' && route !== '/encode'))
      return send(404, { error: 'POST /decode or /encode' });
    if (options.token) {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), options.token))
        return send(401, { error: 'a valid bearer token is required' });
    }
    const text = await readBody(req, max);
    if (text === undefined) return send(413, { error: `request body over ${max} bytes` });
    let payloads: Payload[];
    try {
      const body = JSON.parse(text) as { payloads?: JsonPayload[] };
      if (!Array.isArray(body.payloads)) throw new Error('no payloads array');
      payloads = body.payloads.map(fromJson);
    } catch (e) {
      return send(400, { error: `expected {"payloads": [...]}: ${(e as Error).message}` });
    }
    try {
      const out = route === '/decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
      send(200, { payloads: out.map(toJson) });
    } catch (e) {
      // An unknown key id or a tampered payload: say so without echoing the payload.
      send(422, { error: (e as Error).message });
    }
  });
}
