// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk CloudFormation JSON, whose shape is the subject under test
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DeployConfig, loadDeployConfig, offlineContext, SECRET_SETTING } from '../../deploy/config';
import { SluiceStack } from '../../deploy/sluice-stack';
import { SHUTDOWN_GRACE_SECONDS } from '../../src/worker/shutdown';

const EXAMPLE = path.join(__dirname, '..', '..', 'deploy', 'sluice.example.json');

function synth(cfg: DeployConfig): Template {
  const app = new App({ context: offlineContext(cfg) });
  return Template.fromStack(new SluiceStack(app, 'test-fleet', cfg));
}

type Resource = { Type: string; Properties: Record<string, any> };
const ofType = (t: Template, type: string): Resource[] => Object.values(t.findResources(type)) as Resource[];

/** The policy documents attached to the role whose logical id starts with `rolePrefix`. */
function statementsOf(t: Template, rolePrefix: string): Record<string, any>[] {
  const policies = t.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) => p.Properties.Roles.some((r: any) => String(r.Ref).startsWith(rolePrefix)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('CDK stack (deploy/)', () => {
  const cfg = loadDeployConfig(EXAMPLE);
  let template: Template;
  // Synthesis takes seconds (aws-cdk-lib is large), more on a busy machine.
  beforeAll(() => {
    template = synth(cfg);
  }, 180_000);

  it('gives the worker exactly the S3, KMS and OpenSearch access its activities use, on the named resources only', () => {
    const statements = statementsOf(template, 'WorkerTaskRole');
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(
      [
        'BucketKey',
        'ListSources',
        'OpenSearchWrite',
        'ProcessedList',
        'ProcessedObjects',
        'Quarantine',
        'ReadSources',
        'Staging',
      ].sort(),
    );
    expect(bySid.ReadSources.Action).toBe('s3:GetObject');
    expect(bySid.ReadSources.Resource).toEqual([
      'arn:aws:s3:::acme-sluice-landing/*',
      'arn:aws:s3:::acme-cloudtrail-logs/*',
    ]);
    expect(bySid.ListSources).toMatchObject({
      Action: 's3:ListBucket',
      Resource: ['arn:aws:s3:::acme-sluice-landing', 'arn:aws:s3:::acme-cloudtrail-logs'],
    });
    expect(bySid.Staging.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(bySid.Staging.Resource).toBe('arn:aws:s3:::acme-sluice-staging/*');
    expect(bySid.ProcessedObjects.Action).toEqual(['s3:PutObject', 's3:DeleteObject']);
    expect(bySid.ProcessedList).toMatchObject({
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::acme-sluice-processed',
    });
    expect(bySid.Quarantine.Resource).toBe('arn:aws:s3:::acme-sluice-quarantine/*');
    expect(bySid.BucketKey).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: cfg.kmsKeyArn });
    expect(bySid.OpenSearchWrite).toMatchObject({
      Action: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut'],
      Resource: 'arn:aws:es:eu-west-1:111122223333:domain/sluice/*',
    });
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      expect([s.Action].flat().some((a: string) => a.endsWith('*'))).toBe(false);
      expect([s.Resource].flat()).not.toContain('*');
    }
  });

  it('lets the backlog publisher put metrics in its own namespace and nothing else', () => {
    expect(statementsOf(template, 'PublisherTaskRole')).toEqual([
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Sluice' } },
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  it('gives the intake service its queues and read access to the sources, when enabled', () => {
    const statements = statementsOf(template, 'IntakeTaskRole');
    const consume = statements.find((s) => s.Sid === 'ConsumeNotifications');
    expect(consume?.Resource).toBe('arn:aws:sqs:eu-west-1:111122223333:sluice-intake');
    expect(consume?.Action).toContain('sqs:DeleteMessage');
    expect(statements.find((s) => s.Sid === 'DeadLetterUnusable')?.Resource).toBe(
      'arn:aws:sqs:eu-west-1:111122223333:sluice-intake-dlq',
    );
    template.resourceCountIs('AWS::ECS::Service', 3);
    const off = synth({ ...cfg, intake: { ...(cfg.intake as NonNullable<DeployConfig['intake']>), enabled: false } });
    off.resourceCountIs('AWS::ECS::Service', 2);
    expect(Object.keys(off.findResources('AWS::IAM::Role')).some((id) => id.startsWith('IntakeTaskRole'))).toBe(false);
  }, 180_000);

  it('stops a worker after its own shutdown grace, and checks its health endpoint', () => {
    const worker = ofType(template, 'AWS::ECS::TaskDefinition').find((t) => t.Properties.Family === 'sluice-worker');
    const container = worker?.Properties.ContainerDefinitions[0];
    expect(container.StopTimeout).toBe(SHUTDOWN_GRACE_SECONDS + 15);
    expect(container.Command).toEqual(['worker']);
    expect(container.HealthCheck.Command).toEqual(['CMD', 'node', 'dist/worker/healthcheck.js']);
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
    const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
    expect(env).toMatchObject({
      SLUICE_WORKER_HEALTH_PORT: '8080',
      SLUICE_WORKER_VERSIONING: 'true',
      SLUICE_WORKER_BUILD_ID: '0.1.0',
      SLUICE_WORKER_HEAP_LIMIT: '921MiB',
      SLUICE_SNOWFLAKE_MIGRATE: 'false',
      SLUICE_OPENSEARCH_SIGV4: 'es',
      SLUICE_S3_EXPECTED_BUCKET_OWNER: '111122223333',
    });
    expect(worker?.Properties).toMatchObject({ Cpu: '1024', Memory: '2048', RequiresCompatibilities: ['FARGATE'] });
  });

  it('runs every service in private subnets without public IPs, rolling back a deploy that fails', () => {
    for (const service of ofType(template, 'AWS::ECS::Service')) {
      expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({
        Enable: true,
        Rollback: true,
      });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('injects credentials from Secrets Manager only, never as plain environment', () => {
    for (const task of ofType(template, 'AWS::ECS::TaskDefinition')) {
      for (const c of task.Properties.ContainerDefinitions) {
        const plain = (c.Environment ?? []).map((e: any) => e.Name as string);
        expect(plain.filter((n: string) => SECRET_SETTING.test(n) && !n.endsWith('_KEY_ID'))).toEqual([]);
      }
    }
    const worker = ofType(template, 'AWS::ECS::TaskDefinition').find((t) => t.Properties.Family === 'sluice-worker');
    const secrets = worker?.Properties.ContainerDefinitions[0].Secrets;
    expect(secrets.map((s: any) => s.Name).sort()).toEqual(Object.keys(cfg.secrets).sort());
    const apiKey = secrets.find((s: any) => s.Name === 'SLUICE_TEMPORAL_API_KEY');
    expect(apiKey.ValueFrom).toBe(`${cfg.secrets.SLUICE_TEMPORAL_API_KEY?.secretArn}:apiKey::`);
    // The publisher and intake get only what reaching Temporal takes, not the Snowflake key.
    const publisher = ofType(template, 'AWS::ECS::TaskDefinition').find(
      (t) => t.Properties.Family === 'sluice-backlog-publisher',
    );
    expect(publisher?.Properties.ContainerDefinitions[0].Secrets.map((s: any) => s.Name).sort()).toEqual([
      'SLUICE_CODEC_KEYS',
      'SLUICE_TEMPORAL_API_KEY',
    ]);
    // Only the execution role reads the secrets (to inject them), never the task's own role.
    const reads = ofType(template, 'AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const p of reads) expect(String(p.Properties.Roles[0].Ref)).toMatch(/ExecutionRole/);
  });

  it('scales the worker service on Temporal backlog per running task', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 20,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const [policy] = ofType(template, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    const tt = policy?.Properties.TargetTrackingScalingPolicyConfiguration;
    expect(policy?.Properties.PolicyType).toBe('TargetTrackingScaling');
    expect(tt.TargetValue).toBe(40);
    const metrics = tt.CustomizedMetricSpecification.Metrics;
    expect(metrics.find((m: any) => m.Id === 'backlog').MetricStat.Metric).toEqual({
      Namespace: 'Sluice',
      MetricName: 'Backlog',
      Dimensions: [{ Name: 'Fleet', Value: 'sluice-ingest' }],
    });
    expect(metrics.find((m: any) => m.Id === 'tasks').MetricStat.Metric.MetricName).toBe('RunningTaskCount');
    expect(metrics.filter((m: any) => m.ReturnData)).toEqual([
      expect.objectContaining({ Id: 'perTask', Expression: 'backlog / tasks' }),
    ]);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('refuses a config that would put a secret in plain environment or scale to zero', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-deploy-'));
    const bad = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    bad.environment = { SLUICE_SNOWFLAKE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----' };
    bad.worker.minTasks = 0;
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadDeployConfig(file)).toThrow(/SLUICE_SNOWFLAKE_PRIVATE_KEY: looks like a secret/);
    expect(() => loadDeployConfig(file)).toThrow(/worker\.minTasks: at least 1/);
  });
});
