import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { Tenant } from '../../src/contracts/search-attributes';
import { createSqs, intakeQueues, queueUrl as queueUrl_ } from '../../src/intake/sqs';
import { connectSnowflake, createOpenSearch, createS3, destroySnowflake, execSql } from '../../src/shared/clients';
import { stackDown, stackStatus, stackUp } from '../../src/stack/stack';
import { cfg, snowflakeQueryViaPython, uniq } from '../helpers/env';

const s3 = createS3(cfg.s3);
const os = createOpenSearch(cfg.opensearch);
afterAll(async () => {
  s3.destroy();
  await os.close();
});

describe('local stack through the real clients', () => {
  it('every service reports healthy', async () => {
    const rows = await stackStatus(cfg);
    expect(rows.map((r) => [r.name, r.healthy])).toEqual([
      ['opensearch', true],
      ['temporal', true],
      ['minio', true],
      ['snowflake', true],
      ['sqs', true],
    ]);
  });

  it('SQS (ElasticMQ): the stack created the intake queue with a redrive policy to its dead-letter queue; send, receive, delete', async () => {
    const sqs = createSqs(cfg.sqs);
    try {
      const { queueUrl, deadLetterUrl } = await intakeQueues(sqs, cfg);
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
      );
      const dlq = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
      );
      expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}').deadLetterTargetArn).toBe(dlq.Attributes?.QueueArn);
      const probe = uniq('stack-check-queue');
      await sqs.send(new CreateQueueCommand({ QueueName: probe }));
      const url = await queueUrl_(sqs, probe);
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello sluice' }));
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['hello sluice']);
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    } finally {
      sqs.destroy();
    }
  });

  it('S3 (MinIO): the stack created the buckets; put, get and list an object', async () => {
    const key = `${uniq('check')}/hello.txt`;
    await s3.send(new PutObjectCommand({ Bucket: cfg.s3.landingBucket, Key: key, Body: 'hello sluice' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: cfg.s3.landingBucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('hello sluice');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: cfg.s3.landingBucket, Prefix: key.split('/')[0] }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    for (const b of [cfg.s3.stagingBucket, cfg.s3.processedBucket, cfg.s3.quarantineBucket]) {
      await expect(s3.send(new ListObjectsV2Command({ Bucket: b, MaxKeys: 1 }))).resolves.toBeDefined();
    }
  });

  it('OpenSearch: create an index with an ip mapping, bulk index, search by address', async () => {
    const index = uniq('stack-check');
    await os.indices.create({
      index,
      body: { mappings: { properties: { ip: { type: 'ip' }, n: { type: 'integer' } } } },
    });
    const body = [1, 2, 3].flatMap((n) => [{ index: { _index: index, _id: `doc-${n}` } }, { ip: `10.0.0.${n}`, n }]);
    const bulk = await os.bulk({ body, refresh: true });
    expect(bulk.body.errors).toBe(false);
    const res = await os.search({ index, body: { query: { term: { ip: '10.0.0.2' } } } });
    expect(res.body.hits.hits.map((h) => h._id)).toEqual(['doc-2']);
    const cidr = await os.count({ index, body: { query: { term: { ip: '10.0.0.0/24' } } } });
    expect(cidr.body.count).toBe(3);
    await os.indices.delete({ index });
  });

  it('Snowflake (fakesnow): create a table, insert with binds through snowflake-sdk, read back through two clients', async () => {
    const conn = await connectSnowflake(cfg.snowflake);
    try {
      await execSql(conn, `CREATE DATABASE IF NOT EXISTS ${cfg.snowflake.database}`);
      await execSql(conn, `CREATE SCHEMA IF NOT EXISTS ${cfg.snowflake.database}.${cfg.snowflake.schema}`);
      const table = uniq('STACK_CHECK').replace(/-/g, '_').toUpperCase();
      await execSql(conn, `CREATE TABLE ${table} (ID VARCHAR, N INTEGER, DOC VARIANT)`);
      const ins = await execSql(conn, `INSERT INTO ${table} (ID, N) VALUES (?, ?), (?, ?), (?, ?)`, [
        'a',
        1,
        'b',
        2,
        'c',
        3,
      ]);
      expect(ins.updated).toBe(3);
      await execSql(conn, `INSERT INTO ${table} (ID, N, DOC) SELECT ?, ?, PARSE_JSON(?)`, [
        'd',
        4,
        '{"ip":"10.1.2.3"}',
      ]);
      const viaNode = await execSql(conn, `SELECT ID, N, DOC FROM ${table} ORDER BY ID`);
      expect(viaNode.rows.map((r) => [r.ID, r.N])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ]);
      expect(viaNode.rows[3]?.DOC).toEqual({ ip: '10.1.2.3' });
      const viaPython = snowflakeQueryViaPython(`SELECT ID, N FROM ${table} ORDER BY ID`);
      expect(viaPython).toEqual([
        { ID: 'a', N: 1 },
        { ID: 'b', N: 2 },
        { ID: 'c', N: 3 },
        { ID: 'd', N: 4 },
      ]);
      await execSql(conn, `DROP TABLE ${table}`);
    } finally {
      await destroySnowflake(conn);
    }
  });
});

/** Every process on the machine that carries the stack's marker: none may survive `down`. */
/** Processes of this stack (this state dir): another stack on the machine (the bench's, say) is not ours. */
function stackProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const marker = env.find((v) => v.startsWith('SLUICE_STACK_SERVICE='));
      const ours = env.some((v) => v.startsWith(`SLUICE_STACK_PID_FILE=${cfg.stack.stateDir}/`));
      if (marker && ours) found.push(`${pid} ${marker}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe('prerequisites', () => {
  it('a missing tool is reported by name, not as a stack trace', () => {
    // A PATH with only sh and node, fresh tool/state dirs and free ports: the first install step needs Maven.
    const bin = mkdtempSync(path.join(tmpdir(), 'sluice-path-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    const home = mkdtempSync(path.join(tmpdir(), 'sluice-home-'));
    const ports = {
      SLUICE_TEMPORAL_PORT: '17233',
      SLUICE_TEMPORAL_UI_PORT: '18233',
      SLUICE_MINIO_PORT: '19000',
      SLUICE_MINIO_CONSOLE_PORT: '19001',
      SLUICE_OPENSEARCH_PORT: '19200',
      SLUICE_OPENSEARCH_TRANSPORT_PORT: '19300',
      SLUICE_FAKESNOW_PORT: '17616',
      SLUICE_SQS_PORT: '19324',
      SLUICE_INTAKE_HTTP_PORT: '19340',
    };
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'sluice.js'), 'stack', 'up'], {
      encoding: 'utf8',
      env: { PATH: bin, HOME: home, SLUICE_HOME: home, ...ports },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'sluice stack: mvn not found: the local stack fetches OpenSearch from Maven Central with Maven. Install it and put it on PATH, then run again.\n',
    );
  });
});

describe('Temporal dev server', () => {
  const taskQueue = uniq('stack-check');
  const workflowId = uniq('ping');
  const tenant = uniq('tenant');

  async function runPing(): Promise<string> {
    const nativeConnection = await NativeConnection.connect({ address: cfg.temporal.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: cfg.temporal.namespace,
      taskQueue,
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'ping-workflow.ts'),
      activities: { hello: async (n: string) => `hello ${n}` },
    });
    const connection = await Connection.connect({ address: cfg.temporal.address });
    try {
      const client = new Client({ connection, namespace: cfg.temporal.namespace });
      return await worker.runUntil(
        client.workflow.execute('ping', {
          taskQueue,
          workflowId,
          args: ['sluice'],
          typedSearchAttributes: [{ key: Tenant, value: tenant }],
        }),
      );
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  }

  async function listByTenant(): Promise<string[]> {
    const connection = await Connection.connect({ address: cfg.temporal.address });
    try {
      const client = new Client({ connection, namespace: cfg.temporal.namespace });
      // Visibility is eventually consistent: poll briefly.
      for (let i = 0; i < 50; i++) {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({
          query: `Tenant = "${tenant}" AND ExecutionStatus = "Completed"`,
        })) {
          ids.push(wf.workflowId);
        }
        if (ids.length) return ids;
        await new Promise((r) => setTimeout(r, 200));
      }
      return [];
    } finally {
      await connection.close();
    }
  }

  it('a real worker runs a real workflow; a visibility query on a custom search attribute finds it', async () => {
    expect(await runPing()).toBe('hello sluice');
    expect(await listByTenant()).toEqual([workflowId]);
  });

  it('the stack survives down + up: the completed workflow is still listed (SQLite state on disk)', async () => {
    const progress = () => undefined;
    const stopped = await stackDown(cfg, progress);
    expect(stopped.sort()).toEqual(['minio', 'opensearch', 'snowflake', 'sqs', 'temporal']);
    expect((await stackStatus(cfg)).filter((s) => s.healthy).map((s) => s.name)).toEqual([]);
    expect(stackProcesses()).toEqual([]);
    const rows = await stackUp(cfg, progress);
    expect(rows.every((r) => r.healthy && r.state === 'running')).toBe(true);
    expect(await listByTenant()).toEqual([workflowId]);
  });
});
