import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/log';
import { uniq } from '../helpers/env';
import { MemoryS3 } from '../helpers/fakes/memory-s3';
import { memorySinks } from '../helpers/fakes/memory-sink';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { records } from '../helpers/workflow-env';

// The README's claim, checked: a new sink is its folder plus one registry entry (and the factory entry the compiler
// then asks for). A copy of src/ gains a throwaway fourth sink, `localdir` (NDJSON files in a directory), with
// nothing else edited; it must type-check, appear in configuration, and receive every record of a file.
const repo = path.join(__dirname, '..', '..');
const copy = path.join(repo, 'test-results', `fourth-sink-${process.pid}`);

const SPEC = `import type { Setting } from '../../../config/settings';
import type { SinkSpec } from '../../../contracts/sinks';

export const LOCALDIR_SETTINGS = [
  { key: 'localdir.dir', env: 'SLUICE_LOCALDIR_DIR', kind: 'string', default: '/tmp/sluice-localdir', doc: 'Directory the localdir sink writes to.' },
] as const satisfies readonly Setting[];

export const localdirSpec = {
  name: 'localdir',
  env: 'LOCALDIR',
  concurrency: 3,
  retry: { window: '1h', initialInterval: '1s' },
  attemptTimeout: 60_000,
  errors: {},
  settings: LOCALDIR_SETTINGS,
} as const satisfies SinkSpec<'localdir'>;
`;

const SINK = `import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sink } from '../sink';

/** One file per line range: writing the same lines again replaces it (idempotent by construction). */
export function createLocalDirSink(dir: string): Sink {
  return {
    name: 'localdir',
    async prepare() {
      mkdirSync(dir, { recursive: true });
    },
    async write(batch) {
      const rows: string[] = [];
      for (const e of batch.envelopes) rows.push(JSON.stringify(e));
      writeFileSync(path.join(dir, \`\${batch.fileId}-l\${batch.firstLine}-\${batch.lastLine}.ndjson\`), rows.map((r) => \`\${r}\\n\`).join(''));
      return { written: rows.length };
    },
    async close() {},
  };
}
`;

function addLine(file: string, after: string, line: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(after)) throw new Error(`${file}: no "${after}"`);
  writeFileSync(file, text.replace(after, `${after}\n${line}`));
}

/** The TypeScript compiler's verdict on the copy: its errors, or '' when it compiles. */
function typecheck(): string {
  try {
    execFileSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', copy], {
      encoding: 'utf8',
    });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout);
  }
}

let env: TestWorkflowEnvironment | undefined;

beforeAll(() => {
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  cpSync(path.join(repo, 'src'), path.join(copy, 'src'), { recursive: true });
  const base = JSON.parse(readFileSync(path.join(repo, 'tsconfig.json'), 'utf8'));
  writeFileSync(
    path.join(copy, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...base.compilerOptions, noEmit: true, rootDir: '.' }, include: ['src'] }),
  );
  // The sink's folder…
  const folder = path.join(copy, 'src', 'activities', 'sinks', 'localdir');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'spec.ts'), SPEC);
  writeFileSync(path.join(folder, 'sink.ts'), SINK);
  // …and its registry entry (with the import it needs).
  const contracts = path.join(copy, 'src', 'contracts', 'sinks.ts');
  addLine(
    contracts,
    "import type { Setting } from '../config/settings';",
    "import { localdirSpec } from '../activities/sinks/localdir/spec';",
  );
  addLine(contracts, '  opensearch: opensearchSpec,', '  localdir: localdirSpec,');
}, 60_000);

afterAll(async () => {
  await env?.teardown();
  rmSync(copy, { recursive: true, force: true });
});

describe('adding a sink', () => {
  it('the compiler names the factory still missing, and compiles once it is registered', () => {
    expect(typecheck()).toMatch(/registry\.ts.*Property 'localdir' is missing/s);
    const registry = path.join(copy, 'src', 'activities', 'sinks', 'registry.ts');
    addLine(
      registry,
      "import { AdaptiveThrottle } from './throttle';",
      "import { createLocalDirSink } from './localdir/sink';",
    );
    addLine(
      registry,
      'export const SINK_FACTORIES: Record<SinkName, SinkFactory> = {',
      '  localdir: (c) => createLocalDirSink(c.cfg.localdir.dir),',
    );
    expect(typecheck()).toBe('');
  }, 240_000);

  it('gets its settings, stage, task queue and activity, and every record of a file, with nothing else edited', async () => {
    const load = await import(path.join(copy, 'src', 'config', 'load.ts'));
    const ingest = await import(path.join(copy, 'src', 'contracts', 'ingest.ts'));
    const cfg = load.loadConfig({ HOME: '/tmp', SLUICE_LOCALDIR_DIR: mkdtempSync(path.join(tmpdir(), 'localdir-')) });
    expect(cfg.sinks.localdir).toEqual({ concurrency: 3, ratePerSecond: 0 });
    expect(cfg.retry.localdir.window).toBe(3_600_000);
    expect(load.configReferenceMarkdown()).toContain('`SLUICE_SINK_LOCALDIR_CONCURRENCY`');
    expect(ingest.STAGES).toEqual(['split', 'process', 's3', 'snowflake', 'opensearch', 'localdir']);
    expect(ingest.STAGE_ACTIVITIES.sink_localdir).toBe('localdir');

    const { createWorker } = await import(path.join(copy, 'src', 'worker', 'worker.ts'));
    const { createLocalDirSink } = await import(path.join(copy, 'src', 'activities', 'sinks', 'localdir', 'sink.ts'));
    env = await createTimeSkippingEnv();
    const { landingBucket, stagingBucket, quarantineBucket, processedBucket } = cfg.s3;
    const s3 = new MemoryS3([landingBucket, stagingBucket, quarantineBucket, processedBucket]);
    const taskQueue = uniq('fourth');
    const sw = await createWorker(cfg, {
      connection: env.nativeConnection,
      taskQueue,
      log: createLogger('error'),
      clients: { s3: s3.asClient(), sinks: { ...memorySinks(), localdir: createLocalDirSink(cfg.localdir.dir) } },
    });
    const running = sw.worker.run();
    try {
      const key = 'uploads/fourth/f.ndjson';
      const etag = s3.put(landingBucket, key, `${records(60).join('\n')}\n`);
      const file = { bucket: landingBucket, key, etag, tenant: 'fourth', logType: 'json' };
      const handle = await env.client.workflow.start('ingestFile', {
        taskQueue,
        workflowId: uniq('ingest/fourth'),
        args: [{ file, options: { chunkTargetBytes: 1024 } }],
      });
      const summary = await handle.result();
      expect(summary.status).toBe('Completed');
      expect(summary.written).toEqual({ s3: 60, snowflake: 60, opensearch: 60, localdir: 60 });
      const lines = readdirSync(cfg.localdir.dir)
        .flatMap((f) => readFileSync(path.join(cfg.localdir.dir, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l).source.line)
        .sort((a: number, b: number) => a - b);
      expect(lines).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      sw.worker.shutdown();
      await running;
      await sw.close();
    }
  }, 240_000);
});
