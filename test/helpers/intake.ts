import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../../src/client/workflow-id';
import type { SluiceConfig } from '../../src/config/load';
import type { FileRef } from '../../src/contracts/ingest';
import { createSqs, ensureIntakeQueues, type IntakeQueues } from '../../src/intake/sqs';
import { cfg as baseCfg, uniq } from './env';

/** The intake's settings for one test file: its own queues and routes, the stack's webhook port. */
export async function intakeConfig(
  taskQueueCfg: SluiceConfig,
  routes: string,
): Promise<{ cfg: SluiceConfig; sqs: SQSClient; queues: IntakeQueues }> {
  const name = uniq('intake');
  const cfg: SluiceConfig = {
    ...taskQueueCfg,
    intake: { ...baseCfg.intake, queue: name, deadLetterQueue: `${name}-dlq`, routes, visibilityTimeout: 20_000 },
  };
  const sqs = createSqs(cfg.sqs);
  return { cfg, sqs, queues: await ensureIntakeQueues(sqs, cfg) };
}

export const sendBody = (sqs: SQSClient, queueUrl: string, body: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

/** Every message in a queue, with its attributes, left in place (visibility 0). */
export async function peekAll(sqs: SQSClient, queueUrl: string): Promise<{ body: string; reason?: string }[]> {
  const seen = new Map<string, { body: string; reason?: string }>();
  for (let i = 0; i < 5; i++) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    for (const m of res.Messages ?? [])
      seen.set(m.MessageId ?? '', { body: m.Body ?? '', reason: m.MessageAttributes?.SluiceReason?.StringValue });
  }
  return [...seen.values()];
}

/**
 * Uploads with curl's own SigV4 signing: a client that shares no code with Sluice, as a vendor or CloudTrail
 * writing into the landing bucket would be.
 */
export function curlPut(bucket: string, key: string, body: string): string {
  const url = `${baseCfg.s3.endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-curl-'));
  const file = path.join(dir, 'body');
  writeFileSync(file, body);
  try {
    const r = spawnSync(
      'curl',
      [
        '-sS',
        '--fail-with-body',
        '-D',
        '-',
        '-o',
        '/dev/null',
        '--aws-sigv4',
        `aws:amz:${baseCfg.s3.region}:s3`,
        '--user',
        `${baseCfg.s3.accessKeyId}:${baseCfg.s3.secretAccessKey}`,
        // S3 signs the payload's hash; curl leaves computing it to the caller.
        '-H',
        `x-amz-content-sha256: ${createHash('sha256').update(body).digest('hex')}`,
        '-H',
        'content-type: application/x-ndjson',
        '-T',
        file,
        url,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`curl PUT ${url} failed: ${r.stderr} ${r.stdout}`);
    const etag = /^etag:\s*"?([^"\r\n]+)"?/im.exec(r.stdout)?.[1];
    if (!etag) throw new Error(`curl PUT ${url}: no ETag in ${r.stdout}`);
    return etag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the ingest workflow of a file exists; returns how long that took. */
export async function waitForWorkflow(client: Client, file: FileRef, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  const id = workflowIdFor(file);
  for (;;) {
    try {
      await client.workflow.getHandle(id).describe();
      return Date.now() - started;
    } catch (e) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`no workflow ${id} after ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** How many runs exist under a workflow id (every run, closed ones too). */
export async function runsOf(client: Client, workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'` })) n += 1;
  return n;
}
