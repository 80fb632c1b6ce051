import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../shared/log';
import type { IntakeStats } from './intake-stats';

const MAX_BODY = 1024 * 1024;

export interface WebhookOptions {
  port: number;
  token: string;
  sqs: SQSClient;
  queueUrl: string;
  stats: IntakeStats;
  log: Logger;
}

/**
 * The intake's HTTP endpoint on loopback. `POST /minio/events` takes MinIO's bucket notifications (its webhook
 * target) and puts each body on the intake queue, so a local upload follows exactly the path an S3 notification
 * takes in AWS (queue, start, dead-letter). MinIO is answered 200 only once the message is in the queue; otherwise
 * it keeps the event in its queue dir and sends it again. `GET /status` serves this process's counters.
 */
export function startWebhook(opts: WebhookOptions): Promise<Server> {
  const server = createServer((req, res) => {
    route(opts, req, res).catch((e: unknown) => {
      opts.log.warn('webhook request failed', { error: (e as Error).message });
      if (!res.headersSent) reply(res, 503, { error: (e as Error).message });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}

async function route(opts: WebhookOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/status' && req.method === 'GET') return reply(res, 200, opts.stats);
  if (url.pathname !== '/minio/events') return reply(res, 404, { error: 'not found' });
  // MinIO probes its target before sending.
  if (req.method === 'GET' || req.method === 'HEAD') return reply(res, 200, {});
  if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' });
  if (req.headers.authorization !== `Bearer ${opts.token}`) return reply(res, 401, { error: 'bad or missing token' });
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, { error: `body over ${MAX_BODY} bytes` });
  await opts.sqs.send(new SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: body }));
  reply(res, 200, { queued: true });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
