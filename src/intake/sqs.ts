import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SluiceConfig } from '../config/load';

export function createSqs(cfg: SluiceConfig['sqs']): SQSClient {
  return new SQSClient({
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    region: cfg.region,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    maxAttempts: 3,
  });
}

export interface IntakeQueues {
  queueUrl: string;
  deadLetterUrl: string;
}

export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`SQS returned no URL for queue ${name}`);
  return QueueUrl;
}

export async function intakeQueues(sqs: SQSClient, cfg: SluiceConfig): Promise<IntakeQueues> {
  try {
    return {
      queueUrl: await queueUrl(sqs, cfg.intake.queue),
      deadLetterUrl: await queueUrl(sqs, cfg.intake.deadLetterQueue),
    };
  } catch (e) {
    if (e instanceof QueueDoesNotExist || (e as Error).name === 'AWS.SimpleQueueService.NonExistentQueue')
      throw new Error(
        `SQS queue ${cfg.intake.queue} or ${cfg.intake.deadLetterQueue} does not exist at ${cfg.sqs.endpoint || 'AWS'}: ` +
          '`sluice stack up` creates them locally; in AWS create them (see README, Files that start themselves)',
      );
    throw e;
  }
}

/**
 * Creates the intake queue and its dead-letter queue (idempotent). The redrive policy is the backstop for a
 * message that keeps coming back; the intake itself moves poison messages to the dead-letter queue at once, with
 * their reason.
 */
export async function ensureIntakeQueues(sqs: SQSClient, cfg: SluiceConfig): Promise<IntakeQueues> {
  const deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: cfg.intake.deadLetterQueue }))).QueueUrl;
  if (!deadLetterUrl) throw new Error(`SQS returned no URL for ${cfg.intake.deadLetterQueue}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
  );
  const attributes = {
    VisibilityTimeout: String(Math.ceil(cfg.intake.visibilityTimeout / 1000)),
    // S3 notifications are up to 64 KiB; 14 days gives a long intake outage room (the scan covers the rest).
    MessageRetentionPeriod: String(14 * 86_400),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: Attributes?.QueueArn,
      maxReceiveCount: String(cfg.intake.maxReceiveCount),
    }),
  };
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: cfg.intake.queue }))).QueueUrl;
  if (!url) throw new Error(`SQS returned no URL for ${cfg.intake.queue}`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  return { queueUrl: url, deadLetterUrl };
}
