import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSConfig } from '@temporalio/client';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { SluiceConfig } from '../config/load';
import { readPem } from './pem';

/** The part of the connection options the client's and the worker's connections share. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/**
 * The one place that turns configuration into Temporal connection options: the client, the worker, the CLI and the
 * stack's health check all connect through it, so a TLS, mTLS or API-key setting applies everywhere at once.
 */
export function temporalConnectionOptions(cfg: SluiceConfig['temporal']): TemporalConnectionOptions {
  const ca = readPem(cfg.tlsCa, 'SLUICE_TEMPORAL_TLS_CA');
  const crt = readPem(cfg.tlsCert, 'SLUICE_TEMPORAL_TLS_CERT');
  const key = readPem(cfg.tlsKey, 'SLUICE_TEMPORAL_TLS_KEY');
  // An API key is a bearer token: sending it in clear text would hand it to anyone on the path, so it implies TLS.
  const tls = cfg.tls || ca !== undefined || crt !== undefined || cfg.apiKey !== '' || cfg.tlsServerName !== '';
  const options: TemporalConnectionOptions = { address: cfg.address };
  if (tls) {
    options.tls = {
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      ...(cfg.tlsServerName ? { serverNameOverride: cfg.tlsServerName } : {}),
    };
  }
  if (cfg.apiKey) options.apiKey = cfg.apiKey;
  return options;
}

/** Says how Sluice tried to connect (never with what secret), so a refused connection can be diagnosed. */
export function describeTemporalConnection(cfg: SluiceConfig['temporal']): string {
  const o = temporalConnectionOptions(cfg);
  if (!o.tls) return `${cfg.address} (plain gRPC, no TLS)`;
  const parts = [
    cfg.tlsCa ? 'CA from SLUICE_TEMPORAL_TLS_CA' : 'system CAs',
    o.tls.clientCertPair ? 'client certificate from SLUICE_TEMPORAL_TLS_CERT' : 'no client certificate',
    o.apiKey ? 'API key' : 'no API key',
  ];
  if (cfg.tlsServerName) parts.push(`server name ${cfg.tlsServerName}`);
  return `${cfg.address} (TLS: ${parts.join(', ')})`;
}

export class TemporalConnectError extends Error {
  override name = 'TemporalConnectError';
}

/** The messages of an error and its causes: the SDK wraps the transport's reason (an HTTP 400, a deadline). */
function causes(e: unknown): string {
  const out: string[] = [];
  for (let c = e as (Error & { cause?: unknown }) | undefined; c && out.length < 4; c = c.cause as typeof c)
    if (c.message && !out.some((m) => m.includes(c?.message ?? ''))) out.push(c.message);
  return out.join(': ');
}

/**
 * gRPC reports a failed handshake only as a missed deadline; a plain TLS handshake with the same settings says
 * why (an unknown CA, a name mismatch, a refused client certificate).
 */
function probeTls(address: string, o: TemporalConnectionOptions): Promise<string | undefined> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const servername = o.tls?.serverNameOverride ?? (isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port: Number(address.slice(at + 1)),
      servername,
      ALPNProtocols: ['h2'],
      ...(o.tls?.serverRootCACertificate ? { ca: Buffer.from(o.tls.serverRootCACertificate) } : {}),
      ...(o.tls?.clientCertPair
        ? { cert: Buffer.from(o.tls.clientCertPair.crt), key: Buffer.from(o.tls.clientCertPair.key) }
        : {}),
      timeout: 3000,
    });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('secureConnect', () => done(undefined));
    socket.once('error', (e) => done(`TLS handshake: ${e.message}`));
    socket.once('timeout', () => done(undefined));
  });
}

async function explain(cfg: SluiceConfig['temporal'], e: unknown): Promise<TemporalConnectError> {
  const o = temporalConnectionOptions(cfg);
  let cause = causes(e);
  const handshake = o.tls ? await probeTls(cfg.address, o).catch(() => undefined) : undefined;
  if (handshake) cause += ` (${handshake})`;
  const hints: string[] = [];
  if (o.tls) {
    if (!o.tls.clientCertPair && !o.apiKey && /\b400\b|certificate required|alert/i.test(cause))
      hints.push('the server requires a client certificate: set SLUICE_TEMPORAL_TLS_CERT and SLUICE_TEMPORAL_TLS_KEY');
    if (/\b401\b|unauthenticated|permission/i.test(cause))
      hints.push('the server refused the credentials: check SLUICE_TEMPORAL_API_KEY or the client certificate');
    if (!cfg.tlsCa && /self.signed|unable to (verify|get)|issuer|deadline/i.test(cause))
      hints.push('a server certificate from a private CA needs that CA in SLUICE_TEMPORAL_TLS_CA');
    if (/altnames|hostname|does not match/i.test(cause))
      hints.push("the server's certificate is for another name: set SLUICE_TEMPORAL_TLS_SERVER_NAME");
  } else if (/deadline|ECONNRESET|reset|protocol|http2/i.test(cause)) {
    hints.push('if the server expects TLS, set SLUICE_TEMPORAL_TLS=true (or a CA, client certificate or API key)');
  }
  const hint = hints.length ? `; ${hints.join('; ')}` : '';
  return new TemporalConnectError(`cannot connect to Temporal at ${describeTemporalConnection(cfg)}: ${cause}${hint}`, {
    cause: e,
  });
}

/** A client connection (CLI, starters, stack checks). */
export async function connectTemporal(
  cfg: SluiceConfig['temporal'],
  extra: { connectTimeout?: number } = {},
): Promise<Connection> {
  const options = temporalConnectionOptions(cfg);
  try {
    return await Connection.connect({ ...options, ...extra });
  } catch (e) {
    throw await explain(cfg, e);
  }
}

/** A worker connection (Rust core), with the same options. */
export async function connectNativeTemporal(cfg: SluiceConfig['temporal']): Promise<NativeConnection> {
  const options = temporalConnectionOptions(cfg);
  try {
    return await NativeConnection.connect(options);
  } catch (e) {
    throw await explain(cfg, e);
  }
}
