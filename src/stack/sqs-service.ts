import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SluiceConfig } from '../config/load';
import { createSqs, ensureIntakeQueues } from '../intake/sqs';
import { ensureMavenClasspath } from './maven-install';
import { httpOk } from './process';
import type { Service } from './services';
import { PINS } from './tools';

/**
 * ElasticMQ: an SQS-compatible server (query and JSON protocols, redrive policies, visibility timeouts) from Maven
 * Central, the JVM the stack already needs for OpenSearch. Messages and queues persist in the state dir (H2), so a
 * restart of the stack keeps undelivered notifications, as SQS would.
 */
export const sqs: Service = {
  name: 'sqs',
  endpoint: (cfg) => `${cfg.sqs.endpoint} (ElasticMQ; queues ${cfg.intake.queue}, ${cfg.intake.deadLetterQueue})`,
  ports: (cfg) => [cfg.stack.sqsPort],
  async prepare(cfg, progress) {
    const { artifact, version } = PINS.elasticmq;
    const lib = await ensureMavenClasspath('elasticmq', artifact, version, cfg.stack.toolsDir, progress);
    const dir = path.join(cfg.stack.stateDir, 'sqs');
    mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'elasticmq.conf');
    writeFileSync(conf, elasticmqConf(cfg, dir));
    return {
      command: 'java',
      args: [
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Xmx128m',
        `-Dconfig.file=${conf}`,
        '-cp',
        `${lib}/*`,
        'org.elasticmq.server.Main',
      ],
      cwd: dir,
    };
  },
  async check(cfg) {
    const res = await httpOk(`http://127.0.0.1:${cfg.stack.sqsPort}/?Action=ListQueues`);
    return res?.status === 200 ? undefined : `ElasticMQ on port ${cfg.stack.sqsPort} not answering`;
  },
  async afterStart(cfg) {
    const client = createSqs(cfg.sqs);
    try {
      await ensureIntakeQueues(client, cfg);
    } finally {
      client.destroy();
    }
  },
};

function elasticmqConf(cfg: SluiceConfig, dir: string): string {
  const port = cfg.stack.sqsPort;
  return [
    'include classpath("application.conf")',
    `node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }`,
    `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }`,
    'rest-stats { enabled = false }',
    // Queues are created by `stack up` through the SQS API (as in AWS); both survive a restart.
    `queues-storage { enabled = true, path = ${JSON.stringify(path.join(dir, 'queues.conf'))} }`,
    `messages-storage { enabled = true, uri = ${JSON.stringify(`jdbc:h2:${path.join(dir, 'messages')}`)} }`,
    '',
  ].join('\n');
}
