import { readFileSync } from 'node:fs';

/**
 * What the CDK app needs to know about an AWS account. Everything is named explicitly (ARNs, ids), so
 * `cdk synth` never looks anything up: it runs offline, in CI, and gives the same template every time.
 */
export interface DeployConfig {
  account: string;
  region: string;
  /** Prefix of every resource name (cluster, services, log groups, metric namespace). */
  name: string;
  image: { repositoryName: string; tag: string };
  /** Availability zones the tasks spread over (named, so synth never asks AWS for them). */
  availabilityZones: string[];
  /** An existing VPC, by ids (tasks run in its private subnets); absent: the stack makes one with a NAT gateway. */
  vpc?: { vpcId: string; privateSubnetIds: string[] };
  buckets: { landing: string; staging: string; processed: string; quarantine: string };
  /** Extra buckets files may be ingested from (read only), beside the landing bucket. */
  sourceBuckets?: string[];
  /** The customer-managed key the buckets use for SSE-KMS (absent: SSE-S3, no key permissions). */
  kmsKeyArn?: string;
  opensearch: { domainArn: string; endpoint: string; sigv4Service: 'es' | 'aoss' };
  temporal: { address: string; namespace: string; taskQueue: string };
  snowflake: { account: string; user: string; role: string; warehouse: string; database: string; schema: string };
  /** Environment name → Secrets Manager secret (full ARN, optional JSON field). Injected as ECS secrets. */
  secrets: Record<string, { secretArn: string; field?: string }>;
  /** Plain settings for every Sluice container (no secrets: those go in `secrets`). */
  environment?: Record<string, string>;
  worker: {
    cpu: number;
    memoryMiB: number;
    minTasks: number;
    maxTasks: number;
    /** Waiting Temporal tasks per running worker task that target tracking holds the fleet at. */
    backlogPerTask: number;
  };
  /** A separate `sluice intake` service (S3 notifications through SQS); off until that command ships. */
  intake?: { enabled: boolean; queueName: string; deadLetterQueueName: string; cpu: number; memoryMiB: number };
  /** Build id of the image for Worker Deployment versioning (usually the image tag); absent: versioning off. */
  buildId?: string;
}

/** Settings that name secrets must never be plain environment: the stack refuses them there. */
export const SECRET_SETTING = /KEY|SECRET|PASSWORD|PASSPHRASE|TOKEN|CREDENTIAL/i;

export function loadDeployConfig(file: string): DeployConfig {
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as DeployConfig;
  const problems: string[] = [];
  if (!/^\d{12}$/.test(cfg.account ?? '')) problems.push('account: a 12-digit AWS account id');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(cfg.region ?? '')) problems.push('region: an AWS region such as eu-west-1');
  if (!Array.isArray(cfg.availabilityZones) || cfg.availabilityZones.length < 2) {
    problems.push('availabilityZones: at least two, e.g. ["eu-west-1a", "eu-west-1b"]');
  }
  const w = cfg.worker ?? ({} as Partial<DeployConfig['worker']>);
  // Backlog per task divides by running tasks: a fleet scaled to zero would have no signal to come back.
  if (!(Number.isInteger(w.minTasks) && (w.minTasks ?? 0) >= 1)) problems.push('worker.minTasks: at least 1');
  if (!(Number.isInteger(w.maxTasks) && (w.maxTasks ?? 0) >= (w.minTasks ?? 1))) {
    problems.push('worker.maxTasks: a whole number no smaller than worker.minTasks');
  }
  if (!((w.backlogPerTask ?? 0) > 0)) problems.push('worker.backlogPerTask: a positive number');
  for (const name of Object.keys(cfg.environment ?? {})) {
    if (SECRET_SETTING.test(name) && !/_KEY_ID$|KMS_KEY_ID$/.test(name)) {
      problems.push(`environment.${name}: looks like a secret; put it in "secrets" (Secrets Manager)`);
    }
  }
  for (const [name, s] of Object.entries(cfg.secrets ?? {})) {
    if (!/^arn:aws[a-z-]*:secretsmanager:/.test(s.secretArn ?? '')) {
      problems.push(`secrets.${name}: secretArn must be a Secrets Manager ARN`);
    }
  }
  if (problems.length) throw new Error(`invalid deploy config ${file}:\n  - ${problems.join('\n  - ')}`);
  return cfg;
}

/**
 * The context a lookup would have cached (cdk.context.json), given up front: constructs that validate zones
 * against the account's list then find it without calling AWS.
 */
export function offlineContext(cfg: DeployConfig): Record<string, unknown> {
  return { [`availability-zones:account=${cfg.account}:region=${cfg.region}`]: cfg.availabilityZones };
}
