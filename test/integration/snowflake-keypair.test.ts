import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createSnowflakeSink, tableName } from '../../src/activities/sinks/snowflake/sink';
import { connectSnowflake, destroySnowflake, execSql } from '../../src/shared/clients';
import { cfg, uniq } from '../helpers/env';

interface Login {
  query: URLSearchParams;
  data: Record<string, unknown>;
}

/** Forwards to the emulator and keeps every login request, so the test can check what the driver sent. */
async function recordingProxy(target: URL) {
  const logins: Login[] = [];
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(body);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/session/v1/login-request') {
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(payload) : payload).toString('utf8');
        logins.push({ query: url.searchParams, data: (JSON.parse(text) as { data: Record<string, unknown> }).data });
      }
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logins,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const b64url = (s: string) => Buffer.from(s, 'base64url');

describe('Snowflake key-pair (JWT) authentication, role, optional migration', () => {
  const extra: string[] = [];
  afterAll(async () => {
    const conn = await connectSnowflake(cfg.snowflake);
    for (const t of extra) await execSql(conn, `DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await destroySnowflake(conn);
  });

  it('an encrypted PKCS#8 key file and its passphrase sign a JWT the public key verifies; no password is sent', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'kp-passphrase' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-sf-key-')), 'rsa_key.p8');
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    const proxy = await recordingProxy(new URL(cfg.snowflake.accessUrl));
    try {
      const conn = await connectSnowflake({
        ...cfg.snowflake,
        accessUrl: proxy.url,
        password: '',
        privateKey: keyFile,
        privateKeyPassphrase: 'kp-passphrase',
        role: 'SLUICE_WRITER',
      });
      expect((await execSql(conn, 'SELECT 41 + 1 AS N')).rows).toEqual([{ N: 42 }]);
      await destroySnowflake(conn);

      expect(proxy.logins).toHaveLength(1);
      const login = proxy.logins[0] as Login;
      expect(login.query.get('roleName')).toBe('SLUICE_WRITER');
      expect(login.data.AUTHENTICATOR).toBe('SNOWFLAKE_JWT');
      expect(login.data.PASSWORD).toBeUndefined();
      const [header, claims, signature] = String(login.data.TOKEN).split('.');
      expect(JSON.parse(b64url(header ?? '').toString())).toMatchObject({ alg: 'RS256' });
      const der = createPublicKey(publicKey).export({ type: 'spki', format: 'der' });
      const fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64')}`;
      const account = cfg.snowflake.account.toUpperCase();
      const user = cfg.snowflake.username.toUpperCase();
      expect(JSON.parse(b64url(claims ?? '').toString())).toMatchObject({
        iss: `${account}.${user}.${fingerprint}`,
        sub: `${account}.${user}`,
      });
      expect(
        verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), createPublicKey(publicKey), b64url(signature ?? '')),
      ).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a wrong passphrase is a clear error that names the setting, not the key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const err = await connectSnowflake({ ...cfg.snowflake, privateKey, privateKeyPassphrase: 'wrong' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^SLUICE_SNOWFLAKE_PRIVATE_KEY: cannot load the private key with SLUICE_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE/,
    );
    expect(err?.message).not.toContain('PRIVATE KEY-----');
  });

  it('with SLUICE_SNOWFLAKE_MIGRATE=false nothing is created: a missing table is named, an existing one is used', async () => {
    const table = uniq('NO_MIGRATE').replace(/-/g, '_').toUpperCase();
    const noMigrate = { ...cfg.snowflake, table, migrate: false };
    const missing = createSnowflakeSink({ cfg: noMigrate });
    try {
      await expect(missing.prepare()).rejects.toThrow(/SLUICE_SNOWFLAKE_MIGRATE=false, so Sluice does not create it/);
    } finally {
      await missing.close();
    }
    // An administrator creates the table (here: the migrating sink, as the README's grants section describes).
    extra.push(tableName(noMigrate));
    const admin = createSnowflakeSink({ cfg: { ...noMigrate, migrate: true } });
    await admin.prepare();
    await admin.close();
    const writer = createSnowflakeSink({ cfg: noMigrate });
    try {
      await writer.prepare();
    } finally {
      await writer.close();
    }
  });
});
