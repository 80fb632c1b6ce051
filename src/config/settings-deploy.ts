import type { Setting } from './settings';

/**
 * Deployment settings: worker versioning, the container's health endpoint, and the backlog publisher that feeds
 * the fleet's autoscaling. All are off or inert on the local stack.
 */
export const DEPLOY_SETTINGS = [
  {
    key: 'deploy.versioning',
    env: 'SLUICE_WORKER_VERSIONING',
    kind: 'bool',
    default: 'false',
    doc: 'Worker Deployment versioning: the worker polls as version `<SLUICE_WORKER_DEPLOYMENT>.<SLUICE_WORKER_BUILD_ID>` and workflows auto-upgrade to the current version (see Safe deploys). Needs a build id.',
  },
  {
    key: 'deploy.deploymentName',
    env: 'SLUICE_WORKER_DEPLOYMENT',
    kind: 'name',
    default: 'sluice',
    doc: 'Worker Deployment name the fleet registers under when versioning is on.',
  },
  {
    key: 'deploy.buildId',
    env: 'SLUICE_WORKER_BUILD_ID',
    kind: 'string',
    default: '',
    doc: 'Build id of this worker code (the image tag or git commit); required when versioning is on.',
  },
  {
    key: 'deploy.healthPort',
    env: 'SLUICE_WORKER_HEALTH_PORT',
    kind: 'int',
    default: '0',
    min: 0,
    max: 65_535,
    doc: 'Port on 127.0.0.1 where `sluice worker` answers GET /healthz (200 while every poller runs, 503 otherwise); 0 is off. The container image sets 8080.',
  },
  {
    key: 'deploy.backlogNamespace',
    env: 'SLUICE_BACKLOG_METRIC_NAMESPACE',
    kind: 'string',
    default: 'Sluice',
    doc: 'CloudWatch namespace `sluice backlog-publisher` writes `ApproximateBacklog` to (dimension TaskQueue).',
  },
  {
    key: 'deploy.backlogInterval',
    env: 'SLUICE_BACKLOG_INTERVAL',
    kind: 'duration',
    default: '60s',
    min: 1000,
    doc: 'How often `sluice backlog-publisher` reads the task queues and publishes their backlog.',
  },
  {
    key: 'deploy.cloudwatchEndpoint',
    env: 'SLUICE_CLOUDWATCH_ENDPOINT',
    kind: 'string',
    default: '',
    doc: "CloudWatch endpoint override (empty: the region's own); the region comes from AWS_REGION or SLUICE_S3_REGION.",
  },
] as const satisfies readonly Setting[];
