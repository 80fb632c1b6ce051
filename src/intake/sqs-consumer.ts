import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../shared/log';
import { type HandlerDeps, handleNotification } from './handle-notification';
import { remember } from './intake-stats';
import type { IntakeQueues } from './sqs';

export interface ConsumerOptions {
  sqs: SQSClient;
  queues: IntakeQueues;
  handler: HandlerDeps;
  /** Receive loops; each takes up to 10 messages and handles them in parallel. */
  pollers: number;
  log: Logger;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Long-polls the intake queue until `signal` aborts. A message is deleted only once every start in it was
 * acknowledged by Temporal (or found already started), or after it was copied to the dead-letter queue with its
 * reason. A start that fails (Temporal unreachable) leaves the message to come back, later each time.
 */
export async function consume(opts: ConsumerOptions, signal: AbortSignal): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, opts.pollers) }, () => pollLoop(opts, signal)));
}

async function pollLoop(opts: ConsumerOptions, signal: AbortSignal): Promise<void> {
  const { sqs, queues, log } = opts;
  let failures = 0;
  while (!signal.aborted) {
    let messages: Message[] = [];
    try {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 20,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
        { abortSignal: signal },
      );
      messages = res.Messages ?? [];
      failures = 0;
    } catch (e) {
      if (signal.aborted) break;
      failures += 1;
      opts.handler.stats.lastError = `receive: ${(e as Error).message}`;
      log.warn('receiving from SQS failed; retrying', { error: (e as Error).message, attempt: failures });
      await sleep(Math.min(30_000, 500 * 2 ** failures), signal);
      continue;
    }
    const outcomes = await Promise.all(messages.map((m) => handleMessage(opts, m)));
    // Every start failing means Temporal is away: stop receiving for a while instead of churning the queue.
    if (messages.length && outcomes.every((ok) => !ok)) await sleep(5000, signal);
  }
}

async function handleMessage(opts: ConsumerOptions, m: Message): Promise<boolean> {
  const { sqs, queues, log, handler } = opts;
  try {
    const disposition = await handleNotification(m.Body ?? '', handler);
    if (disposition.action === 'dead-letter') {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queues.deadLetterUrl,
          MessageBody: m.Body || '(empty body)',
          MessageAttributes: {
            SluiceReason: { DataType: 'String', StringValue: disposition.reason.slice(0, 4000) },
            SluiceDeadLetteredAt: { DataType: 'String', StringValue: new Date().toISOString() },
          },
        }),
      );
      handler.stats.deadLettered += 1;
      remember(handler.stats.recentDeadLetters, { reason: disposition.reason, at: new Date().toISOString() });
    }
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return true;
  } catch (e) {
    const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
    handler.stats.retried += 1;
    handler.stats.lastError = (e as Error).message;
    log.warn('a notification could not be handled; it will come back', {
      error: (e as Error).message,
      messageId: m.MessageId,
      receives,
    });
    // Back off per message: 5 s, 10 s, … up to 5 min before SQS delivers it again.
    const delay = Math.min(300, 5 * 2 ** Math.min(receives - 1, 6));
    await sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queues.queueUrl,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: delay,
        }),
      )
      .catch(() => undefined);
    return false;
  }
}
