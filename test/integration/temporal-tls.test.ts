import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIngestClient } from '../../src/client/ingest-client';
import type { SluiceConfig } from '../../src/config/load';
import { createLogger } from '../../src/shared/log';
import { connectTemporal } from '../../src/shared/temporal-connection';
import { createWorker } from '../../src/worker/worker';
import { cfg } from '../helpers/env';
import { sinkCounts, tempDir, uniq, upload, writeLines } from '../helpers/ingest';
import { NGINX_PATH, startTlsProxy, type TlsProxy } from '../helpers/nginx';
import { makeTestPki, pemText, type TestPki } from '../helpers/tls';

const hasNginx = existsSync(NGINX_PATH);
if (!hasNginx) console.warn(`temporal-tls.test.ts: skipped: ${NGINX_PATH} is missing (run .ci/install-nginx)`);

const API_KEY = `test-api-key-${uniq('k')}`;

describe.skipIf(!hasNginx)(
  'Temporal over TLS, mTLS and API key (nginx terminating TLS in front of the dev server)',
  () => {
    let pki: TestPki;
    let proxy: TlsProxy;
    const temporal = (over: Partial<SluiceConfig['temporal']>): SluiceConfig['temporal'] => ({
      ...cfg.temporal,
      tls: false,
      tlsCa: '',
      tlsCert: '',
      tlsKey: '',
      tlsServerName: '',
      apiKey: '',
      ...over,
    });

    beforeAll(async () => {
      pki = makeTestPki();
      proxy = await startTlsProxy(pki, cfg.temporal.address, API_KEY);
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    it('connects with the client certificate and CA given as files', async () => {
      const conn = await connectTemporal(
        temporal({ address: proxy.mtlsAddress, tlsCa: pki.caCert, tlsCert: pki.clientCert, tlsKey: pki.clientKey }),
      );
      try {
        const info = await conn.workflowService.getSystemInfo({});
        expect(info.serverVersion).toBeTruthy();
      } finally {
        await conn.close();
      }
    });

    it('refuses without a client certificate, saying which one is missing', async () => {
      const err = await connectTemporal(temporal({ address: proxy.mtlsAddress, tlsCa: pki.caCert }), {
        connectTimeout: 5000,
      }).then(
        (c) => c.close().then(() => undefined),
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toContain(`cannot connect to Temporal at ${proxy.mtlsAddress}`);
      expect(err?.message).toContain('no client certificate');
      expect(err?.message).toContain('SLUICE_TEMPORAL_TLS_CERT');
    });

    it('refuses a client certificate from another CA, and a server whose CA is not trusted', async () => {
      const stranger = await connectTemporal(
        temporal({ address: proxy.mtlsAddress, tlsCa: pki.caCert, tlsCert: pki.strangerCert, tlsKey: pki.strangerKey }),
        { connectTimeout: 5000 },
      ).then(
        (c) => c.close().then(() => undefined),
        (e: Error) => e,
      );
      expect(stranger?.message).toContain('cannot connect to Temporal');
      // nginx answers a certificate it cannot verify with 400, as it does a missing one.
      expect(stranger?.message).toContain('HTTP status code 400');
      // No CA given: the system CAs do not know the test CA, so the server's certificate is rejected.
      const untrusted = await connectTemporal(
        temporal({ address: proxy.mtlsAddress, tlsCert: pki.clientCert, tlsKey: pki.clientKey }),
        { connectTimeout: 5000 },
      ).then(
        (c) => c.close().then(() => undefined),
        (e: Error) => e,
      );
      expect(untrusted?.message).toContain('system CAs');
      expect(untrusted?.message).toContain('SLUICE_TEMPORAL_TLS_CA');
    });

    it('an API key is sent as a bearer token over TLS; a wrong one is refused and never printed', async () => {
      const conn = await connectTemporal(
        temporal({ address: proxy.apiKeyAddress, tlsCa: pemText(pki.caCert), apiKey: API_KEY }),
      );
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      const wrong = 'wrong-key-must-not-appear';
      const err = await connectTemporal(temporal({ address: proxy.apiKeyAddress, tlsCa: pki.caCert, apiKey: wrong }), {
        connectTimeout: 5000,
      }).then(
        (c) => c.workflowService.getSystemInfo({}).then(() => c.close().then(() => undefined)),
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).not.toContain(wrong);
    });

    it('a worker and a client, both over mTLS with PEM text from the environment, ingest a file to every sink', async () => {
      const taskQueue = uniq('tls-ingest');
      const tlsCfg: SluiceConfig = {
        ...cfg,
        temporal: temporal({
          address: proxy.mtlsAddress,
          taskQueue,
          tlsCa: pemText(pki.caCert),
          tlsCert: pemText(pki.clientCert),
          tlsKey: pemText(pki.clientKey),
        }),
      };
      const sw = await createWorker(tlsCfg, { log: createLogger('error'), taskQueue });
      const running = sw.worker.run();
      const client = await connectIngestClient(tlsCfg);
      try {
        const tenant = uniq('tls');
        const dir = await tempDir();
        const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ts: 1_700_000_000 + i, uid: `C${i}` }));
        const ref = await upload(await writeLines(path.join(dir, 'conn.ndjson'), lines), tenant, 'zeek');
        const summary = await (await client.start(ref)).result();
        expect(summary.status).toBe('Completed');
        expect(summary.written).toEqual({ s3: 50, snowflake: 50, opensearch: 50 });
        const counts = await sinkCounts(tenant);
        expect(counts.s3Distinct).toBe(50);
        expect(counts.opensearch).toBe(50);
        expect(counts.snowflake).toEqual({ rows: 50, distinct: 50 });
      } finally {
        await client.close();
        sw.worker.shutdown();
        await running;
        await sw.close();
      }
    });
  },
);
