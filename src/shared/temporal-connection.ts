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

function explain(cfg: SluiceConfig['temporal'], e: unknown): TemporalConnectError {
  const cause = (e as Error)?.message ?? String(e);
  const o = temporalConnectionOptions(cfg);
  const hints: string[] = [];
  if (/certificate|handshake|SSL|TLS|alert|400|No required SSL/i.test(cause)) {
    if (!o.tls?.clientCertPair && !o.apiKey)
      hints.push('the server may require a client certificate (SLUICE_TEMPORAL_TLS_CERT/KEY) or an API key');
    if (!cfg.tlsCa) hints.push("a private CA's certificate goes in SLUICE_TEMPORAL_TLS_CA");
  }
  if (!o.tls && /ECONNRESET|Connection reset|protocol|RST_STREAM|http2/i.test(cause))
    hints.push('the server may expect TLS (SLUICE_TEMPORAL_TLS=true)');
  const hint = hints.length ? ` (hint: ${hints.join('; ')})` : '';
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
    throw explain(cfg, e);
  }
}

/** A worker connection (Rust core), with the same options. */
export async function connectNativeTemporal(cfg: SluiceConfig['temporal']): Promise<NativeConnection> {
  const options = temporalConnectionOptions(cfg);
  try {
    return await NativeConnection.connect(options);
  } catch (e) {
    throw explain(cfg, e);
  }
}
