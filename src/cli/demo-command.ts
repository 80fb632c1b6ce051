import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { connectIngestClient } from '../client/ingest-client';
import { resolveSource } from '../client/sources';
import { loadConfig } from '../config/load';
import { formatFiles } from '../demo/format-files';
import { type DemoKind, generateEvents, writeNdjson } from '../demo/generate';
import { createS3 } from '../shared/clients';
import { stackUp } from '../stack/stack';
import { createWorker } from '../worker/worker';
import { UsageError } from './errors';
import { formatStatus } from './format';
import { TENANT_PATTERN } from './ingest-command';

export const DEMO_USAGE = `sluice demo [--records N] [--tenant T]

  Brings the local stack up, runs a worker in this process, generates realistic Zeek, Suricata and
  CloudTrail files (one of them a multi-chunk gzip of N Zeek records, default 60000) and one file in each
  delivered format (CloudTrail as S3 delivers it, Zeek TSV, VPC flow, ALB, syslog, Okta, GuardDuty; read
  with --log-type auto), ingests them into S3, Snowflake and OpenSearch as tenant T (default demo), and
  prints each file's summary and its Temporal Web UI link.`;

/** Records in each of the delivered-format files. */
const FORMAT_RECORDS = 200;

interface DemoFile {
  name: string;
  kind: DemoKind | 'auto';
  count: number;
  gzip: boolean;
}

async function writeDemoFile(dir: string, f: DemoFile & { kind: DemoKind }, seed: number): Promise<string> {
  const file = path.join(dir, f.name);
  const out = createWriteStream(file);
  const sink = f.gzip ? createGzip() : out;
  if (f.gzip) sink.pipe(out);
  await writeNdjson(generateEvents(f.kind, f.count, seed), sink);
  sink.end();
  await finished(out);
  return file;
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { records: { type: 'string' }, tenant: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const large = values.records === undefined ? 60_000 : Number(values.records);
  if (!Number.isInteger(large) || large < 1) {
    throw new UsageError(`--records takes a positive whole number, got "${values.records}"`);
  }
  const tenant = values.tenant ?? 'demo';
  if (!TENANT_PATTERN.test(tenant))
    throw new UsageError(`--tenant "${tenant}": use lowercase letters, digits, - and _`);
  const cfg = loadConfig();
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  await stackUp(cfg, (line) => say(`stack: ${line}`));

  const dir = path.join(tmpdir(), 'sluice-demo');
  mkdirSync(dir, { recursive: true });
  const generated: (DemoFile & { kind: DemoKind })[] = [
    { name: 'zeek-conn.ndjson', kind: 'zeek', count: 2_000, gzip: false },
    { name: 'suricata-eve.ndjson', kind: 'suricata', count: 1_500, gzip: false },
    { name: 'cloudtrail.ndjson', kind: 'cloudtrail', count: 500, gzip: false },
    { name: 'zeek-conn-large.ndjson.gz', kind: 'zeek', count: large, gzip: true },
  ];
  say(`generating ${generated.length} files and one file of each delivered format in ${dir}`);
  const files: DemoFile[] = [...generated];
  const paths = [];
  for (const [i, f] of generated.entries()) paths.push(await writeDemoFile(dir, f, i + 1));
  for (const f of formatFiles(FORMAT_RECORDS)) {
    const file = path.join(dir, f.name);
    writeFileSync(file, f.body);
    files.push({ name: f.name, kind: 'auto', count: f.records, gzip: f.name.endsWith('.gz') });
    paths.push(file);
  }

  const { worker, close } = await createWorker(cfg);
  const running = worker.run();
  const s3 = createS3(cfg.s3);
  const ingest = await connectIngestClient(cfg);
  let failed = 0;
  try {
    const handles = [];
    for (const [i, f] of files.entries()) {
      const file = await resolveSource(paths[i] as string, { s3, cfg, tenant, logType: f.kind, upload: true });
      // The demo may run again on the same stack: re-ingest is idempotent, so counts stay exact.
      handles.push(await ingest.start(file, { reingest: true }));
      say(`started ${f.name}`);
    }
    for (const h of handles) {
      await h.result().catch(() => undefined);
      const status = await ingest.describe(h.workflowId);
      if (status.execution !== 'COMPLETED') failed += 1;
      process.stdout.write(`${formatStatus(status)}\n\n`);
    }
  } finally {
    s3.destroy();
    await ingest.close();
    worker.shutdown();
    await running;
    await close();
  }
  process.stdout.write(
    `Temporal Web UI: ${cfg.temporal.uiUrl}/namespaces/${cfg.temporal.namespace}/workflows?query=${encodeURIComponent(`Tenant="${tenant}"`)}\n`,
  );
  return failed ? 1 : 0;
}
