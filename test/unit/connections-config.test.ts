import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';
import { maskConfig, redactUrlCredentials } from '../../src/shared/redact';
import { describeTemporalConnection, temporalConnectionOptions } from '../../src/shared/temporal-connection';

const base = { HOME: '/home/op' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE-secret-key-body\n-----END PRIVATE KEY-----\n';

describe('S3 credentials', () => {
  it('the local MinIO gets the stack keys; any other endpoint gets none (the AWS default chain)', () => {
    expect(loadConfig(base).s3.accessKeyId).toBe('sluice');
    const aws = loadConfig({ ...base, SLUICE_S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com' }).s3;
    expect(aws.accessKeyId).toBe('');
    expect(aws.secretAccessKey).toBe('');
  });

  it('an explicitly empty key means the credential chain, never the MinIO secret', () => {
    const s3 = loadConfig({ ...base, SLUICE_S3_ACCESS_KEY_ID: '', SLUICE_S3_SECRET_ACCESS_KEY: '' }).s3;
    expect(s3.accessKeyId).toBe('');
    expect(s3.secretAccessKey).toBe('');
  });

  it('short keys are fine outside MinIO; one key without the other is refused', () => {
    const aws = { ...base, SLUICE_S3_ENDPOINT: 'https://s3.amazonaws.com' };
    expect(
      loadConfig({ ...aws, SLUICE_S3_ACCESS_KEY_ID: 'AK', SLUICE_S3_SECRET_ACCESS_KEY: 'short' }).s3.accessKeyId,
    ).toBe('AK');
    expect(problemsOf({ ...aws, SLUICE_S3_ACCESS_KEY_ID: 'AKIA' })).toEqual([
      expect.stringMatching(/SLUICE_S3_ACCESS_KEY_ID and SLUICE_S3_SECRET_ACCESS_KEY: set both/),
    ]);
    expect(problemsOf({ ...base, SLUICE_S3_SECRET_ACCESS_KEY: 'short' })[0]).toMatch(/at least 8 characters/);
    expect(problemsOf({ ...aws, SLUICE_S3_EXPECTED_BUCKET_OWNER: '12' })[0]).toMatch(/12-digit AWS account id/);
  });
});

describe('OpenSearch and Snowflake defaults', () => {
  it('replicas: 0 on the local single node, 1 elsewhere; SigV4 service checked', () => {
    expect(loadConfig(base).opensearch.replicas).toBe(0);
    const remote = loadConfig({ ...base, SLUICE_OPENSEARCH_URL: 'https://search-x.eu-west-1.es.amazonaws.com' });
    expect(remote.opensearch.replicas).toBe(1);
    expect(remote.opensearch.region).toBe('us-east-1');
    expect(problemsOf({ ...base, SLUICE_OPENSEARCH_SIGV4: 'lambda' })[0]).toMatch(
      /SLUICE_OPENSEARCH_SIGV4 \(opensearch.sigv4Service\): expected empty, es or aoss, got "lambda"/,
    );
  });

  it('an empty Snowflake access URL means the account host (https), not the emulator', () => {
    expect(loadConfig({ ...base, SLUICE_SNOWFLAKE_ACCESS_URL: '' }).snowflake.accessUrl).toBe('');
    expect(loadConfig(base).snowflake.migrate).toBe(true);
    expect(loadConfig({ ...base, SLUICE_SNOWFLAKE_MIGRATE: 'false' }).snowflake.migrate).toBe(false);
  });
});

describe('secrets never leak', () => {
  it('masks credentials embedded in URLs', () => {
    expect(redactUrlCredentials('https://admin:hunter2@search.example:443/x')).toBe(
      'https://admin:***@search.example:443/x',
    );
    expect(redactUrlCredentials('http://tok3n@h/x and https://h/y')).toBe('http://***@h/x and https://h/y');
  });

  it('`sluice config` output masks every secret kind, URL credentials and PEM keys', () => {
    const cfg = loadConfig({
      ...base,
      SLUICE_OPENSEARCH_URL: 'https://admin:hunter2@search.example',
      SLUICE_TEMPORAL_API_KEY: 'api-key-value',
      SLUICE_TEMPORAL_TLS_CERT: PEM_CERT,
      SLUICE_TEMPORAL_TLS_KEY: PEM_KEY,
      SLUICE_SNOWFLAKE_PRIVATE_KEY: PEM_KEY,
      SLUICE_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'pass-phrase',
      SLUICE_CODEC_KEYS: `k1=${Buffer.alloc(32, 7).toString('base64')}`,
      SLUICE_CODEC_SERVER_TOKEN: 'codec-token',
      SLUICE_S3_ENDPOINT: 'https://s3.amazonaws.com',
      SLUICE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      SLUICE_S3_SECRET_ACCESS_KEY: 's3-secret-value',
    });
    const text = JSON.stringify(maskConfig(cfg));
    for (const secret of [
      'hunter2',
      'api-key-value',
      'secret-key-body',
      'pass-phrase',
      'codec-token',
      's3-secret-value',
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    expect(text).toContain('https://admin:***@search.example');
    expect(text).toContain('BEGIN CERTIFICATE'); // a certificate is public
  });

  it('a config error quotes neither a secret nor URL credentials', () => {
    const problems = problemsOf({
      ...base,
      SLUICE_S3_ENDPOINT: 'ftp://user:hunter2@minio.example',
      SLUICE_CODEC_KEYS: 'k1=tooshortsecret',
    }).join('\n');
    expect(problems).toContain('expected an http(s) URL, got "ftp://user:***@minio.example"');
    expect(problems).toContain('key "k1" is not 32 bytes');
    expect(problems).not.toContain('hunter2');
    expect(problems).not.toContain('tooshortsecret');
  });

  it('a broken config file is reported by position, not by quoting its text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cfg-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(file, '{"opensearch": {"password": "hunter2" oops}}');
    const [problem] = problemsOf({ ...base, SLUICE_CONFIG: file });
    expect(problem).toMatch(/is not valid JSON/);
    expect(problem).not.toContain('hunter2');
  });
});

describe('Temporal connection options', () => {
  const temporal = (env: NodeJS.ProcessEnv) => loadConfig({ ...base, ...env }).temporal;

  it('plain gRPC by default (the local stack)', () => {
    expect(temporalConnectionOptions(temporal({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('mTLS from PEM files or PEM text; an API key alone turns TLS on with the system CAs', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-pem-'));
    writeFileSync(path.join(dir, 'ca.pem'), PEM_CERT);
    const o = temporalConnectionOptions(
      temporal({
        SLUICE_TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
        SLUICE_TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'),
        SLUICE_TEMPORAL_TLS_CERT: PEM_CERT,
        SLUICE_TEMPORAL_TLS_KEY: PEM_KEY,
        SLUICE_TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
      }),
    );
    expect(Buffer.from(o.tls?.serverRootCACertificate ?? []).toString()).toBe(PEM_CERT);
    expect(Buffer.from(o.tls?.clientCertPair?.key ?? []).toString()).toBe(PEM_KEY);
    expect(o.tls?.serverNameOverride).toBe('frontend.internal');
    const cloud = temporal({
      SLUICE_TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      SLUICE_TEMPORAL_API_KEY: 'k',
    });
    expect(temporalConnectionOptions(cloud)).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'k',
    });
    expect(describeTemporalConnection(cloud)).toBe(
      'eu-west-1.aws.api.temporal.io:7233 (TLS: system CAs, no client certificate, API key)',
    );
  });

  it('a certificate without its key is a config error; an unreadable file names the setting, not the content', () => {
    expect(problemsOf({ ...base, SLUICE_TEMPORAL_TLS_CERT: PEM_CERT })[0]).toMatch(
      /SLUICE_TEMPORAL_TLS_CERT and SLUICE_TEMPORAL_TLS_KEY: set both/,
    );
    expect(() => temporalConnectionOptions(temporal({ SLUICE_TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }))).toThrow(
      'SLUICE_TEMPORAL_TLS_CA: cannot read /nonexistent/ca.pem: ENOENT',
    );
  });
});
