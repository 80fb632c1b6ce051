import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main';

afterEach(() => vi.restoreAllMocks());

async function output(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const code = await run(argv);
  return { code, out };
}

describe('sluice --help', () => {
  const commands: [argv: string[], usage: RegExp][] = [
    [['demo', '--help'], /^sluice demo /],
    [['ingest', '--help'], /^sluice ingest /],
    [['status', '--help'], /^sluice status /],
    [['show', '-h'], /^sluice status /],
    [['stuck', '--help'], /^sluice stuck /m],
    [['approve', '--help'], /^sluice approve /m],
    [['drop', '--help', '--reason', 'x'], /^sluice drop /m],
    [['replay', '--help'], /^sluice replay /],
    [['worker', '--help'], /^sluice worker/],
    [['stack', 'up', '--help'], /^sluice stack up /],
    [['stack', 'logs', 'minio', '-h'], /^sluice stack /],
    [['config', '--help'], /^sluice config /],
  ];

  it.each(commands)('%j prints the usage and exits 0, touching nothing', async (argv, usage) => {
    const { code, out } = await output(argv);
    expect(out).toMatch(usage);
    expect(code).toBe(0);
  });

  it('lists every command and the exit codes', async () => {
    const { code, out } = await output(['--help']);
    expect(code).toBe(0);
    for (const c of ['demo', 'ingest', 'status', 'stuck', 'approve', 'drop', 'replay', 'worker', 'stack', 'config'])
      expect(out).toContain(`sluice ${c}`);
    expect(out).toContain('Exit codes: 0 success; 1 ');
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect((await output(['nope'])).code).toBe(2);
  });
});
