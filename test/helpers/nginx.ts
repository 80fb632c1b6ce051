import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestPki } from './tls';

export const NGINX_PATH = '/usr/sbin/nginx';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function waitForPort(port: number, proc: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

export interface TlsProxy {
  /** Requires a client certificate from the test CA (mTLS). */
  mtlsAddress: string;
  /** Server TLS only; requires `authorization: Bearer <apiKey>` like Temporal Cloud's API-key endpoint. */
  apiKeyAddress: string;
  stop(): Promise<void>;
}

/**
 * nginx (Debian's, run as this test's own process) terminating TLS in front of a plain gRPC Temporal frontend,
 * the way a secured cluster or Temporal Cloud looks to a client.
 */
export async function startTlsProxy(pki: TestPki, upstream: string, apiKey: string): Promise<TlsProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-nginx-'));
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  const [mtlsPort, apiKeyPort] = [await freePort(), await freePort()];
  const log = path.join(dir, 'error.log');
  // Temporal's long polls last about a minute: the proxy must not time them out first.
  const grpc = `
      grpc_pass grpc://${upstream};
      grpc_read_timeout 300s;
      grpc_send_timeout 300s;`;
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${log} info;
events { worker_connections 512; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ssl_certificate ${pki.serverCert};
  ssl_certificate_key ${pki.serverKey};
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen 127.0.0.1:${mtlsPort} ssl http2;
    ssl_client_certificate ${pki.caCert};
    ssl_verify_client on;
    location / {${grpc}
    }
  }
  server {
    listen 127.0.0.1:${apiKeyPort} ssl http2;
    location / {
      if ($http_authorization != "Bearer ${apiKey}") { return 401; }${grpc}
    }
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  const proc = spawn(NGINX_PATH, ['-p', dir, '-c', confFile], { stdio: 'ignore' });
  await waitForPort(mtlsPort, proc, log);
  await waitForPort(apiKeyPort, proc, log);
  return {
    mtlsAddress: `127.0.0.1:${mtlsPort}`,
    apiKeyAddress: `127.0.0.1:${apiKeyPort}`,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGQUIT');
      await exited;
    },
  };
}
