import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/client/workflow-id';
import { approveProblem, dropProblem, ingestInputProblems } from '../../src/contracts/validation';
import { parseTenantSources, sourceRefusal } from '../../src/shared/tenant-sources';

const file = { bucket: 'sluice-landing', key: 'a/b.ndjson', etag: 'abc123', tenant: 'acme', logType: 'zeek' };

describe('workflow input validation (the same checks in the workflow and the client)', () => {
  it('accepts a well-formed input, with or without options', () => {
    expect(ingestInputProblems({ file })).toEqual([]);
    expect(ingestInputProblems({ file, options: { chunkTargetBytes: 4096, retry: { s3: { window: 1000 } } } })).toEqual(
      [],
    );
  });

  it('takes the flags every client may pass (reingest, metric labels) as booleans only', () => {
    expect(ingestInputProblems({ file, options: { reingest: true, metricLabels: false } })).toEqual([]);
    expect(ingestInputProblems({ file, options: { metricLabels: 'yes' } })).toEqual([
      'options.metricLabels must be true or false',
    ]);
  });

  it('refuses tenants that would write under another tenant, and names every problem at once', () => {
    expect(ingestInputProblems({ file: { ...file, tenant: 'a/b', bucket: 'B_', etag: '"x"', key: '' } })).toEqual([
      'tenant "a/b": use 1-63 lowercase letters, digits, - and _ (it names S3 prefixes, indices and workflow ids)',
      'bucket "B_": not a valid S3 bucket name',
      'key "": expected 1-1024 characters without control characters',
      'etag "\\"x\\"": expected the object\'s ETag without quotes',
    ]);
    expect(ingestInputProblems({ file: { ...file, tenant: 'ACME' } })[0]).toMatch(/^tenant "ACME"/);
    expect(ingestInputProblems({ file: { ...file, logType: '../zeek' } })[0]).toMatch(/^log type "..\/zeek"/);
    expect(ingestInputProblems({ file: { ...file, key: 'a\u0000b' } })[0]).toMatch(/^key /);
    expect(ingestInputProblems(undefined)).toHaveLength(1);
    expect(ingestInputProblems({ file: 'x' })).toHaveLength(1);
  });

  it('refuses options out of range, unknown options and malformed retry overrides', () => {
    expect(
      ingestInputProblems({
        file,
        options: {
          chunkTargetBytes: 0,
          maxChunksInFlight: 'many',
          quarantineAlertRatio: 2,
          nope: 1,
          retry: { split: { window: -5 }, warp: {} },
        },
      }),
    ).toEqual([
      'options.chunkTargetBytes must be a number from 1024 to 1073741824, got 0',
      'options.maxChunksInFlight must be a number from 1 to 256, got "many"',
      'options.quarantineAlertRatio must be a number from 0 to 1, got 2',
      'options.nope is not an option',
      'options.retry.split.window must be a positive number (milliseconds)',
      'options.retry.warp: unknown stage (split, process, s3, snowflake, opensearch)',
    ]);
  });

  it('ids cannot collide across tenants once tenants cannot hold a slash', () => {
    const a = { ...file, tenant: 'a', bucket: 'bb1', key: 'c/x' };
    const ab = { ...file, tenant: 'a/bb1', bucket: 'c11', key: 'x' };
    expect(ingestInputProblems({ file: a })).toEqual([]);
    expect(ingestInputProblems({ file: ab })).not.toEqual([]);
    expect(workflowIdFor(a)).not.toBe(workflowIdFor({ ...a, tenant: 'b' }));
  });

  it('approve and drop requests: malformed ones are described, never thrown past the handler', () => {
    expect(approveProblem(undefined)).toBeUndefined();
    expect(approveProblem({ by: 'ops', stage: 'opensearch', retry: { window: 60_000 } })).toBeUndefined();
    expect(approveProblem({ retry: { window: 'soon' } })).toBe(
      'approve: retry.window must be a positive number (milliseconds)',
    );
    expect(approveProblem({ retry: 5 })).toBe('approve: retry must be an object');
    expect(approveProblem({ stage: 'disk' })).toMatch(/^approve: unknown stage "disk"/);
    expect(approveProblem('yes')).toMatch(/^approve takes an object/);
    expect(dropProblem({ by: 'ops' })).toBe('drop needs a non-empty "reason"');
    expect(dropProblem({ reason: 'bad file', by: ' ' })).toBe('drop needs "by": who decided');
    expect(dropProblem({ reason: 'bad file', by: 'ops' })).toBeUndefined();
  });
});

describe('tenant sources (SLUICE_TENANT_SOURCES)', () => {
  const sources = parseTenantSources('acme=s3://landing/acme/, acme=s3://shared/in/acme-, beta=s3://beta-bucket');

  it('allows only listed buckets and prefixes; empty allows everything', () => {
    expect(sourceRefusal(sources, 'acme', 'landing', 'acme/x.gz')).toBeUndefined();
    expect(sourceRefusal(sources, 'acme', 'shared', 'in/acme-1.json')).toBeUndefined();
    expect(sourceRefusal(sources, 'beta', 'beta-bucket', 'anything')).toBeUndefined();
    expect(sourceRefusal(sources, 'acme', 'landing', 'beta/x.gz')).toBe(
      'tenant acme may not ingest s3://landing/beta/x.gz: its sources are s3://landing/acme/, s3://shared/in/acme- (SLUICE_TENANT_SOURCES)',
    );
    expect(sourceRefusal(sources, 'gamma', 'landing', 'x')).toMatch(/it has no sources/);
    expect(sourceRefusal(parseTenantSources(''), 'gamma', 'landing', 'x')).toBeUndefined();
  });

  it('names a malformed entry', () => {
    expect(() => parseTenantSources('acme=landing/acme')).toThrow(
      'SLUICE_TENANT_SOURCES (tenants.sources): expected tenant=s3://bucket/prefix entries, got "acme=landing/acme"',
    );
  });
});
