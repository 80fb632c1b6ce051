import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SluiceConfig } from '../../src/config/load';
import { createOpenSearch, createS3 } from '../../src/shared/clients';
import { ensureMinio } from '../../src/stack/tools';
import { cfg } from '../helpers/env';
import { freePort } from '../helpers/nginx';
import { makeTestPki, type TestPki } from '../helpers/tls';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback HTTP(S) server that records every request and answers with what the test's client expects. */
async function recorder(answer: (r: Seen) => { status?: number; type?: string; body: string }, tls?: TestPki) {
  const seen: Seen[] = [];
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) };
      seen.push(r);
      const a = answer(r);
      res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'application/json', etag: '"abc"' });
      res.end(a.body);
    });
  };
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs fn with AWS_* credentials in the environment, as an ECS task role's would be found by the default chain. */
async function withEnvCredentials<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDCHAINTEST',
    AWS_SECRET_ACCESS_KEY: 'chain-secret',
    AWS_SESSION_TOKEN: 'chain-session-token',
  });
  try {
    return await fn();
  } finally {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

const s3Cfg = (over: Partial<SluiceConfig['s3']>): SluiceConfig['s3'] => ({
  ...cfg.s3,
  accessKeyId: '',
  secretAccessKey: '',
  kmsKeyId: '',
  expectedBucketOwner: '',
  tlsCa: '',
  ...over,
});

const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');

describe('S3 on AWS: credential chain, SSE-KMS and expected bucket owner on every write', () => {
  it('without keys the default chain signs; every object write carries SSE-KMS, every request the owner', async () => {
    const server = await recorder((r) => ({
      type: 'application/xml',
      body: r.url.includes('uploads')
        ? '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>'
        : r.headers['x-amz-copy-source']
          ? '<CopyObjectResult><ETag>"abc"</ETag></CopyObjectResult>'
          : '',
    }));
    try {
      await withEnvCredentials(async () => {
        const s3 = createS3(
          s3Cfg({
            endpoint: server.url,
            kmsKeyId: 'alias/sluice',
            expectedBucketOwner: '111122223333',
            region: 'eu-west-1',
          }),
        );
        await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
        await s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'k2', CopySource: 'b/k' }));
        await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'k3' }));
        await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
        s3.destroy();
      });
      expect(server.seen).toHaveLength(4);
      for (const r of server.seen) {
        expect(r.headers.authorization).toContain(`Credential=AKIDCHAINTEST/${today()}/eu-west-1/s3/aws4_request`);
        expect(r.headers['x-amz-security-token']).toBe('chain-session-token');
        expect(r.headers['x-amz-expected-bucket-owner']).toBe('111122223333');
      }
      for (const r of server.seen.slice(0, 3)) {
        expect(r.headers['x-amz-server-side-encryption']).toBe('aws:kms');
        expect(r.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/sluice');
        expect(r.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
      }
      expect(server.seen[1]?.headers['x-amz-source-expected-bucket-owner']).toBe('111122223333');
      expect(server.seen[3]?.headers['x-amz-server-side-encryption']).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('OpenSearch on AWS: SigV4 through the client signer, private CA', () => {
  for (const service of ['es', 'aoss'] as const) {
    it(`signs every request for service ${service} with the chain's credentials and the body's hash`, async () => {
      const server = await recorder((r) =>
        r.url.startsWith('/_bulk')
          ? { body: '{"took":1,"errors":false,"items":[]}' }
          : { body: '{"version":{"number":"2.19.0"}}' },
      );
      try {
        await withEnvCredentials(async () => {
          const os = createOpenSearch({
            ...cfg.opensearch,
            url: server.url,
            sigv4Service: service,
            region: 'eu-west-2',
            tlsCa: '',
          });
          await os.info();
          await os.bulk({ body: [{ index: { _index: 'x', _id: '1' } }, { a: 1 }] });
          await os.close();
        });
        expect(server.seen).toHaveLength(2);
        for (const r of server.seen) {
          expect(r.headers.authorization).toMatch(
            new RegExp(
              `^AWS4-HMAC-SHA256 Credential=AKIDCHAINTEST/${today()}/eu-west-2/${service}/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
            ),
          );
          expect(r.headers['x-amz-security-token']).toBe('chain-session-token');
          expect(r.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(r.body).digest('hex'));
        }
        expect(server.seen[1]?.body.toString()).toContain('"_id":"1"');
      } finally {
        await server.close();
      }
    });
  }

  it('trusts a private CA only when given it', async () => {
    const pki = makeTestPki();
    const server = await recorder(() => ({ body: '{"version":{"number":"2.19.0"}}' }), pki);
    try {
      const withCa = createOpenSearch({ ...cfg.opensearch, url: server.url, sigv4Service: '', tlsCa: pki.caCert });
      expect((await withCa.info()).body).toEqual({ version: { number: '2.19.0' } });
      await withCa.close();
      const without = createOpenSearch({ ...cfg.opensearch, url: server.url, sigv4Service: '', tlsCa: '' });
      await expect(without.info()).rejects.toThrow(/self.signed|unable to verify|certificate/i);
      await without.close();
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('S3 over TLS to MinIO with its own certificates', () => {
  let pki: TestPki;
  let minio: ChildProcess;
  let endpoint = '';
  beforeAll(async () => {
    pki = makeTestPki();
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-minio-tls-'));
    const certs = path.join(dir, 'certs');
    mkdirSync(path.join(certs, 'CAs'), { recursive: true });
    // MinIO's layout: certs/public.crt and certs/private.key make it serve https.
    copyFileSync(pki.serverCert, path.join(certs, 'public.crt'));
    copyFileSync(pki.serverKey, path.join(certs, 'private.key'));
    const bin = await ensureMinio(cfg.stack.toolsDir, () => undefined);
    const [port, consolePort] = [await freePort(), await freePort()];
    minio = spawn(
      bin,
      [
        'server',
        path.join(dir, 'data'),
        '--address',
        `127.0.0.1:${port}`,
        '--console-address',
        `127.0.0.1:${consolePort}`,
        '--certs-dir',
        certs,
        '--quiet',
      ],
      { env: { ...process.env, MINIO_ROOT_USER: 'tlsuser', MINIO_ROOT_PASSWORD: 'tls-secret-123' }, stdio: 'ignore' },
    );
    endpoint = `https://127.0.0.1:${port}`;
    const probe = createS3(
      s3Cfg({ endpoint, accessKeyId: 'tlsuser', secretAccessKey: 'tls-secret-123', tlsCa: pki.caCert }),
    );
    for (let i = 0; ; i++) {
      try {
        await probe.send(new CreateBucketCommand({ Bucket: 'tls-bucket' }));
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    probe.destroy();
  });
  afterAll(() => {
    minio?.kill('SIGTERM');
  });

  it('writes and reads with the CA given; refuses the unknown CA without it', async () => {
    const keys = { accessKeyId: 'tlsuser', secretAccessKey: 'tls-secret-123' };
    const s3 = createS3(s3Cfg({ endpoint, ...keys, tlsCa: pki.caCert }));
    await s3.send(new PutObjectCommand({ Bucket: 'tls-bucket', Key: 'hello.txt', Body: 'over tls' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'tls-bucket', Key: 'hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('over tls');
    s3.destroy();
    const untrusting = createS3(s3Cfg({ endpoint, ...keys }));
    await expect(untrusting.send(new GetObjectCommand({ Bucket: 'tls-bucket', Key: 'hello.txt' }))).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
    untrusting.destroy();
  });
});
