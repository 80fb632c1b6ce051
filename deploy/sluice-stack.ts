import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sm from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SHUTDOWN_GRACE_SECONDS } from '../src/worker/shutdown';
import type { DeployConfig } from './config';

/** Seconds between the worker's own grace time running out and ECS's SIGKILL: closing clients and connections. */
const STOP_MARGIN_SECONDS = 15;
const HEALTH_PORT = 8080;

/**
 * Sluice on ECS Fargate: the worker fleet (autoscaled on Temporal backlog per task), the backlog publisher that
 * feeds that scaling, and, behind a flag, the intake service. Tasks run in private subnets without public IPs;
 * they reach Temporal Cloud, Snowflake and AWS APIs through the NAT gateway.
 */
export class SluiceStack extends Stack {
  readonly workerService: ecs.FargateService;
  readonly publisherService: ecs.FargateService;
  readonly intakeService?: ecs.FargateService;

  constructor(scope: Construct, id: string, cfg: DeployConfig, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: cfg.account, region: cfg.region } });
    const metricNamespace = cfg.name === 'sluice' ? 'Sluice' : `Sluice/${cfg.name}`;

    const vpc = cfg.vpc
      ? ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
          vpcId: cfg.vpc.vpcId,
          availabilityZones: cfg.availabilityZones,
          privateSubnetIds: cfg.vpc.privateSubnetIds,
        })
      : new ec2.Vpc(this, 'Vpc', {
          availabilityZones: cfg.availabilityZones,
          natGateways: 1,
          subnetConfiguration: [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
          ],
        });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: cfg.name,
      // RunningTaskCount, the divisor of backlog per task, is a Container Insights metric.
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Sluice tasks: outbound only (Temporal, Snowflake, AWS APIs); nothing listens for the network',
      allowAllOutbound: true,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ecs/${cfg.name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const image = ecs.ContainerImage.fromEcrRepository(
      ecr.Repository.fromRepositoryName(this, 'Repository', cfg.image.repositoryName),
      cfg.image.tag,
    );
    const secrets = Object.fromEntries(
      Object.entries(cfg.secrets).map(([env, s], i) => [
        env,
        ecs.Secret.fromSecretsManager(sm.Secret.fromSecretCompleteArn(this, `Secret${i}`, s.secretArn), s.field),
      ]),
    );
    const environment = sluiceEnvironment(cfg, metricNamespace);

    // --- Worker fleet -------------------------------------------------------------------------------------------
    const workerRole = new iam.Role(this, 'WorkerTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Sluice worker: read sources, write staging/processed/quarantine, write the OpenSearch domain',
    });
    for (const statement of workerStatements(cfg)) workerRole.addToPolicy(statement);

    const workerTask = new ecs.FargateTaskDefinition(this, 'WorkerTask', {
      family: `${cfg.name}-worker`,
      cpu: cfg.worker.cpu,
      memoryLimitMiB: cfg.worker.memoryMiB,
      taskRole: workerRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    workerTask.addContainer('worker', {
      image,
      command: ['worker'],
      environment: {
        ...environment,
        // V8's heap gets under half the task; the rest is Temporal's core, the workflow sandbox and buffers.
        SLUICE_WORKER_HEAP_LIMIT: `${Math.floor(cfg.worker.memoryMiB * 0.45)}MiB`,
      },
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
      stopTimeout: Duration.seconds(SHUTDOWN_GRACE_SECONDS + STOP_MARGIN_SECONDS),
      healthCheck: {
        command: ['CMD', 'node', 'dist/worker/healthcheck.js'],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      readonlyRootFilesystem: false,
    });
    this.workerService = new ecs.FargateService(this, 'WorkerService', {
      cluster,
      serviceName: `${cfg.name}-worker`,
      taskDefinition: workerTask,
      desiredCount: cfg.worker.minTasks,
      assignPublicIp: false,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      // New tasks start (and poll) before old ones stop; a deploy that cannot get healthy rolls itself back.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    });
    backlogScaling(this, cfg, cluster, this.workerService, metricNamespace);

    // --- Backlog publisher: one small task feeding the scaling metric --------------------------------------------
    const publisherRole = new iam.Role(this, 'PublisherTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Sluice backlog publisher: put metric data in its own CloudWatch namespace only',
    });
    publisherRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'], // PutMetricData has no resource type; the namespace condition is the scope.
        conditions: { StringEquals: { 'cloudwatch:namespace': metricNamespace } },
      }),
    );
    const publisherTask = new ecs.FargateTaskDefinition(this, 'PublisherTask', {
      family: `${cfg.name}-backlog-publisher`,
      cpu: 256,
      memoryLimitMiB: 512,
      taskRole: publisherRole,
    });
    publisherTask.addContainer('backlog-publisher', {
      image,
      command: ['backlog-publisher'],
      environment,
      secrets: pick(secrets, /^SLUICE_TEMPORAL_|^SLUICE_CODEC_/),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'backlog-publisher' }),
      stopTimeout: Duration.seconds(10),
    });
    this.publisherService = new ecs.FargateService(this, 'PublisherService', {
      cluster,
      serviceName: `${cfg.name}-backlog-publisher`,
      taskDefinition: publisherTask,
      desiredCount: 1,
      assignPublicIp: false,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      // One publisher at a time: two would only publish the same reading twice.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
    });

    // --- Intake (S3 notifications through SQS), behind a flag -----------------------------------------------------
    if (cfg.intake?.enabled) {
      const intakeRole = new iam.Role(this, 'IntakeTaskRole', {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        description: 'Sluice intake: consume the notification queue, read object metadata of the source buckets',
      });
      const queueArn = (name: string) => `arn:aws:sqs:${cfg.region}:${cfg.account}:${name}`;
      intakeRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ConsumeNotifications',
          actions: [
            'sqs:GetQueueUrl',
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
          ],
          resources: [queueArn(cfg.intake.queueName)],
        }),
      );
      intakeRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DeadLetterUnusable',
          actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SendMessage', 'sqs:ReceiveMessage'],
          resources: [queueArn(cfg.intake.deadLetterQueueName)],
        }),
      );
      intakeRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: sourceBuckets(cfg).map((b) => `arn:aws:s3:::${b}/*`),
        }),
      );
      intakeRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: sourceBuckets(cfg).map((b) => `arn:aws:s3:::${b}`),
        }),
      );
      if (cfg.kmsKeyArn) {
        intakeRole.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [cfg.kmsKeyArn] }));
      }
      const intakeTask = new ecs.FargateTaskDefinition(this, 'IntakeTask', {
        family: `${cfg.name}-intake`,
        cpu: cfg.intake.cpu,
        memoryLimitMiB: cfg.intake.memoryMiB,
        taskRole: intakeRole,
      });
      intakeTask.addContainer('intake', {
        image,
        command: ['intake', 'run'],
        environment: {
          ...environment,
          SLUICE_SQS_ENDPOINT: `https://sqs.${cfg.region}.amazonaws.com`,
          SLUICE_SQS_REGION: cfg.region,
          SLUICE_INTAKE_QUEUE: cfg.intake.queueName,
          SLUICE_INTAKE_DLQ: cfg.intake.deadLetterQueueName,
        },
        secrets: pick(secrets, /^SLUICE_TEMPORAL_|^SLUICE_CODEC_/),
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'intake' }),
        // Messages are deleted only after their workflow start is acknowledged: an unfinished one reappears.
        stopTimeout: Duration.seconds(30),
      });
      this.intakeService = new ecs.FargateService(this, 'IntakeService', {
        cluster,
        serviceName: `${cfg.name}-intake`,
        taskDefinition: intakeTask,
        desiredCount: 1,
        assignPublicIp: false,
        securityGroups: [securityGroup],
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
      });
    }
  }
}

function sourceBuckets(cfg: DeployConfig): string[] {
  return [cfg.buckets.landing, ...(cfg.sourceBuckets ?? [])];
}

/**
 * The worker's permissions, one statement per purpose, each limited to the actions the activities call:
 * split reads sources (GetObject also covers HeadObject) and the reconciliation scan lists them; chunks and envelopes are written and read in staging
 * (and copied from it into quarantine on a drop); the S3 sink lists its file's partition prefix, deletes an
 * earlier chunking's objects and puts gzip NDJSON in processed; quarantine entries are written and read back by
 * a replay. No bucket deletes, no ACLs, no other bucket.
 */
export function workerStatements(cfg: DeployConfig): iam.PolicyStatement[] {
  const objects = (bucket: string) => `arn:aws:s3:::${bucket}/*`;
  const { buckets } = cfg;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadSources',
      actions: ['s3:GetObject'],
      resources: sourceBuckets(cfg).map(objects),
    }),
    // The reconciliation scan and backfills (activities on the worker) list the routed source prefixes.
    new iam.PolicyStatement({
      sid: 'ListSources',
      actions: ['s3:ListBucket'],
      resources: sourceBuckets(cfg).map((b) => `arn:aws:s3:::${b}`),
    }),
    new iam.PolicyStatement({
      sid: 'Staging',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [objects(buckets.staging)],
    }),
    new iam.PolicyStatement({
      sid: 'ProcessedObjects',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [objects(buckets.processed)],
    }),
    new iam.PolicyStatement({
      sid: 'ProcessedList',
      actions: ['s3:ListBucket'],
      resources: [`arn:aws:s3:::${buckets.processed}`],
    }),
    new iam.PolicyStatement({
      sid: 'Quarantine',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [objects(buckets.quarantine)],
    }),
    new iam.PolicyStatement({
      sid: 'OpenSearchWrite',
      actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut'],
      resources: [`${cfg.opensearch.domainArn}/*`],
    }),
  ];
  if (cfg.opensearch.sigv4Service === 'aoss') {
    // Serverless authorizes through its data access policy; IAM only lets the role call the API.
    statements[statements.length - 1] = new iam.PolicyStatement({
      sid: 'OpenSearchServerless',
      actions: ['aoss:APIAccessAll'],
      resources: [cfg.opensearch.domainArn],
    });
  }
  if (cfg.kmsKeyArn) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'BucketKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [cfg.kmsKeyArn],
      }),
    );
  }
  return statements;
}

/** Plain settings of every Sluice container; secrets are never among them (see DeployConfig.secrets). */
export function sluiceEnvironment(cfg: DeployConfig, metricNamespace: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_TEMPORAL_ADDRESS: cfg.temporal.address,
    SLUICE_TEMPORAL_NAMESPACE: cfg.temporal.namespace,
    SLUICE_TASK_QUEUE: cfg.temporal.taskQueue,
    SLUICE_TEMPORAL_TLS: 'true',
    SLUICE_S3_ENDPOINT: `https://s3.${cfg.region}.amazonaws.com`,
    SLUICE_S3_REGION: cfg.region,
    SLUICE_S3_FORCE_PATH_STYLE: 'false',
    SLUICE_S3_EXPECTED_BUCKET_OWNER: cfg.account,
    ...(cfg.kmsKeyArn ? { SLUICE_S3_KMS_KEY_ID: cfg.kmsKeyArn } : {}),
    SLUICE_BUCKET_LANDING: cfg.buckets.landing,
    SLUICE_BUCKET_STAGING: cfg.buckets.staging,
    SLUICE_BUCKET_PROCESSED: cfg.buckets.processed,
    SLUICE_BUCKET_QUARANTINE: cfg.buckets.quarantine,
    SLUICE_OPENSEARCH_URL: `https://${cfg.opensearch.endpoint}`,
    SLUICE_OPENSEARCH_SIGV4: cfg.opensearch.sigv4Service,
    SLUICE_OPENSEARCH_REGION: cfg.region,
    SLUICE_SNOWFLAKE_ACCESS_URL: `https://${cfg.snowflake.account}.snowflakecomputing.com`,
    SLUICE_SNOWFLAKE_ACCOUNT: cfg.snowflake.account,
    SLUICE_SNOWFLAKE_USERNAME: cfg.snowflake.user,
    SLUICE_SNOWFLAKE_ROLE: cfg.snowflake.role,
    SLUICE_SNOWFLAKE_WAREHOUSE: cfg.snowflake.warehouse,
    SLUICE_SNOWFLAKE_DATABASE: cfg.snowflake.database,
    SLUICE_SNOWFLAKE_SCHEMA: cfg.snowflake.schema,
    // Tables are created once by an operator with the grants in the README, not by a least-privilege worker.
    SLUICE_SNOWFLAKE_MIGRATE: 'false',
    SLUICE_WORKER_HEALTH_PORT: String(HEALTH_PORT),
    SLUICE_BACKLOG_METRIC_NAMESPACE: metricNamespace,
    ...(cfg.buildId
      ? { SLUICE_WORKER_VERSIONING: 'true', SLUICE_WORKER_DEPLOYMENT: cfg.name, SLUICE_WORKER_BUILD_ID: cfg.buildId }
      : {}),
    ...cfg.environment,
  };
}

/**
 * Target tracking on backlog per task: Temporal's approximate backlog (published by the backlog publisher)
 * divided by the service's running tasks (Container Insights), in one metric-math expression, as AWS's guide
 * does for an SQS backlog. The L2 construct accepts only a plain metric, hence the L1 policy.
 */
function backlogScaling(
  scope: Construct,
  cfg: DeployConfig,
  cluster: ecs.Cluster,
  service: ecs.FargateService,
  metricNamespace: string,
): void {
  const target = new appscaling.ScalableTarget(scope, 'WorkerScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.ECS,
    resourceId: `service/${cluster.clusterName}/${service.serviceName}`,
    scalableDimension: 'ecs:service:DesiredCount',
    minCapacity: cfg.worker.minTasks,
    maxCapacity: cfg.worker.maxTasks,
  });
  target.node.addDependency(service);
  new appscaling.CfnScalingPolicy(scope, 'WorkerBacklogPerTask', {
    policyName: `${cfg.name}-worker-backlog-per-task`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: cfg.worker.backlogPerTask,
      // Out fast when work piles up; in slowly, since each stop hands in-flight activities back.
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'backlog',
            returnData: false,
            metricStat: {
              metric: {
                namespace: metricNamespace,
                metricName: 'Backlog',
                dimensions: [{ name: 'Fleet', value: cfg.temporal.taskQueue }],
              },
              stat: 'Average',
            },
          },
          {
            id: 'tasks',
            returnData: false,
            metricStat: {
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: cluster.clusterName },
                  { name: 'ServiceName', value: service.serviceName },
                ],
              },
              stat: 'Average',
            },
          },
          {
            id: 'perTask',
            label: 'Temporal backlog per running worker task',
            expression: 'backlog / tasks',
            returnData: true,
          },
        ],
      },
    },
  });
}

function pick<T>(record: Record<string, T>, name: RegExp): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => name.test(k)));
}
