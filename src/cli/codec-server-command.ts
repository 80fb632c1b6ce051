import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { AesGcmCodec, parseCodecKeys } from '../codec/aes-gcm-codec';
import { createCodecServer } from '../codec/codec-server';
import { loadConfig } from '../config/load';
import { UsageError } from './errors';

export const CODEC_SERVER_USAGE = `sluice codec-server [--host H] [--port N]

  Serves the payload codec for the Temporal Web UI and the temporal CLI (--codec-endpoint): POST /decode, /encode.
  Needs SLUICE_CODEC_KEYS. CORS allows SLUICE_CODEC_CORS_ORIGINS (the Web UI); SLUICE_CODEC_SERVER_TOKEN, when set,
  is required as a bearer token. Listens on 127.0.0.1:SLUICE_CODEC_SERVER_PORT by default; runs until SIGINT/SIGTERM.`;

export async function codecServerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${CODEC_SERVER_USAGE}\n`);
    return 0;
  }
  const cfg = loadConfig();
  const keys = parseCodecKeys(cfg.codec.keys);
  if (!keys) throw new UsageError('SLUICE_CODEC_KEYS is empty: there is nothing to decode with');
  const port = values.port === undefined ? cfg.codec.serverPort : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port: not a TCP port: ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  const server = createCodecServer({
    codec: new AesGcmCodec(keys),
    corsOrigins: cfg.codec.corsOrigins
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    token: cfg.codec.serverToken || undefined,
  });
  server.listen(port, host);
  await once(server, 'listening');
  const addr = server.address() as { port: number };
  process.stdout.write(
    `codec server on http://${host}:${addr.port} (keys: ${[...keys.keys.keys()].join(', ')}; encrypting with ${keys.currentId}; ${cfg.codec.serverToken ? 'bearer token required' : 'no token'})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
