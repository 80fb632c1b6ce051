import path from 'node:path';
import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SluiceConfig } from '../config/load';
import { createLogger } from '../shared/log';

/** MinIO's name for the webhook target the stack configures; its ARN is `arn:minio:sqs::SLUICE:webhook`. */
const TARGET = 'SLUICE';
export const MINIO_WEBHOOK_ARN = `arn:minio:sqs::${TARGET}:webhook`;

/**
 * MinIO's webhook target pointing at the intake's HTTP endpoint. With a queue dir, MinIO keeps events it could not
 * deliver (the intake stopped) on disk and sends them when the intake answers again, so a local upload is never
 * missed while the intake is down.
 */
export function minioWebhookEnv(cfg: SluiceConfig): Record<string, string> {
  if (cfg.intake.httpPort === 0) return {};
  return {
    [`MINIO_NOTIFY_WEBHOOK_ENABLE_${TARGET}`]: 'on',
    [`MINIO_NOTIFY_WEBHOOK_ENDPOINT_${TARGET}`]: `http://127.0.0.1:${cfg.intake.httpPort}/minio/events`,
    [`MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_${TARGET}`]: `Bearer ${cfg.intake.webhookToken}`,
    [`MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_${TARGET}`]: path.join(cfg.stack.stateDir, 'minio-events'),
    [`MINIO_NOTIFY_WEBHOOK_QUEUE_LIMIT_${TARGET}`]: '100000',
  };
}

/**
 * Object-created events of the landing bucket go to the webhook target (idempotent). A MinIO this stack did not
 * start may lack the target; that is said, not fatal: the reconciliation scan still finds its files.
 */
export async function watchLandingBucket(cfg: SluiceConfig, s3: S3Client): Promise<void> {
  if (cfg.intake.httpPort === 0) return;
  const Bucket = cfg.s3.landingBucket;
  try {
    const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    if (current.QueueConfigurations?.some((q) => q.QueueArn === MINIO_WEBHOOK_ARN)) return;
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            ...(current.QueueConfigurations ?? []),
            { Id: 'sluice-intake', QueueArn: MINIO_WEBHOOK_ARN, Events: ['s3:ObjectCreated:*'] },
          ],
        },
      }),
    );
  } catch (e) {
    createLogger(cfg.log.level, { component: 'stack' }).warn(
      `MinIO does not send ${Bucket}'s object-created events to the intake: ${(e as Error).message}`,
      { bucket: Bucket },
    );
  }
}
