import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SluiceConfig } from '../../src/config/load';
import { createCloudWatch, publishBacklogOnce, readBacklog } from '../../src/ops/backlog-publisher';
import { createLogger } from '../../src/shared/log';
import { runSluice } from '../helpers/cli';
import { cfg as baseCfg, uniq } from '../helpers/env';

interface Captured {
  headers: IncomingHttpHeaders;
  body: {
    Namespace: string;
    MetricData: { MetricName: string; Dimensions: { Name: string; Value: string }[]; Value: number }[];
  };
}

/**
 * The backlog Temporal reports for a queue nobody polls, published through the real CloudWatch client to a
 * loopback endpoint that records each PutMetricData call (no CloudWatch emulator is part of the stack).
 */
describe('backlog publisher', () => {
  const taskQueue = uniq('backlog');
  const ids = [1, 2, 3].map((i) => `${taskQueue}/wf-${i}`);
  const calls: Captured[] = [];
  let server: Server;
  let endpoint: string;
  let connection: Connection;
  let cfg: SluiceConfig;
  const credentials = {
    AWS_ACCESS_KEY_ID: 'AKIDSLUICETEST',
    AWS_SECRET_ACCESS_KEY: 'sluice-test-secret',
    AWS_REGION: 'eu-west-1',
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => {
        text += d;
      });
      req.on('end', () => {
        calls.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    cfg = {
      ...baseCfg,
      temporal: { ...baseCfg.temporal, taskQueue },
      deploy: { ...baseCfg.deploy, cloudwatchEndpoint: endpoint, backlogNamespace: 'SluiceTest' },
    };
    Object.assign(process.env, credentials);
    connection = await Connection.connect({ address: cfg.temporal.address });
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    // Three files waiting for a worker that is not there: three workflow tasks in the backlog.
    for (const id of ids) await client.workflow.start('ingestFile', { taskQueue, workflowId: id, args: [{}] });
  });

  afterAll(async () => {
    const client = new Client({ connection, namespace: baseCfg.temporal.namespace });
    await Promise.allSettled(ids.map((id) => client.workflow.getHandle(id).terminate('test done')));
    await connection.close();
    server.close();
  });

  it('reads the approximate backlog of every queue the fleet polls', async () => {
    let readings = await readBacklog(connection.workflowService, cfg.temporal.namespace, taskQueue);
    for (let i = 0; i < 50 && readings[0]?.backlog !== 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      readings = await readBacklog(connection.workflowService, cfg.temporal.namespace, taskQueue);
    }
    expect(readings.map((r) => [r.taskQueue, r.type, r.backlog])).toEqual([
      [taskQueue, 'workflow', 3],
      [taskQueue, 'activity', 0],
      [`${taskQueue}-sink-s3`, 'activity', 0],
      [`${taskQueue}-sink-snowflake`, 'activity', 0],
      [`${taskQueue}-sink-opensearch`, 'activity', 0],
    ]);
    expect(readings[0]?.ageSeconds).toBeGreaterThan(0);
  });

  it('publishes the fleet total and each queue to CloudWatch, signed with the AWS credential chain', async () => {
    const cloudwatch = createCloudWatch(cfg);
    try {
      await publishBacklogOnce({ cfg, service: connection.workflowService, cloudwatch, log: createLogger('error') });
    } finally {
      cloudwatch.destroy();
    }
    const call = calls.at(-1) as Captured;
    expect(call.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.PutMetricData');
    expect(call.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSLUICETEST\/\d{8}\/eu-west-1\/monitoring\/aws4_request/,
    );
    expect(call.body.Namespace).toBe('SluiceTest');
    const fleet = call.body.MetricData.find((d) => d.MetricName === 'Backlog');
    expect(fleet).toMatchObject({ Dimensions: [{ Name: 'Fleet', Value: taskQueue }], Value: 3 });
    const perQueue = call.body.MetricData.filter((d) => d.MetricName === 'QueueBacklog');
    expect(perQueue).toHaveLength(5);
    expect(perQueue[0]).toMatchObject({
      Dimensions: [
        { Name: 'TaskQueue', Value: taskQueue },
        { Name: 'TaskType', Value: 'workflow' },
      ],
      Value: 3,
    });
  });

  it('`sluice backlog-publisher --once` publishes and prints the reading', async () => {
    const before = calls.length;
    const r = await runSluice(['backlog-publisher', '--once'], {
      ...credentials,
      SLUICE_TASK_QUEUE: taskQueue,
      SLUICE_CLOUDWATCH_ENDPOINT: endpoint,
    });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({ taskQueue, type: 'workflow', backlog: 3 });
    expect(calls.length).toBe(before + 1);
    expect(calls.at(-1)?.body.Namespace).toBe('Sluice');
  });
});
