import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { SluiceConfig } from '../config/load';
import { AesGcmCodec, parseCodecKeys } from './aes-gcm-codec';

/** Module path of the failure converter used with encryption (loaded by path, also inside the workflow sandbox). */
export function encryptedFailureConverterPath(): string {
  const beside = path.join(__dirname, 'failure-converter.js');
  if (existsSync(beside)) return beside;
  // Running from source (vitest): the SDK loads converters with Node's require, which cannot load TypeScript, so
  // the compiled module is used (`npm run build`, which the CLI tests need as well).
  const compiled = path.join(__dirname, '..', '..', 'dist', 'codec', 'failure-converter.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`payload encryption needs ${compiled}: run npm run build`);
}

/**
 * The data converter every client and worker uses: with SLUICE_CODEC_KEYS set, payloads are encrypted, and
 * failure messages and stack traces are moved into an encoded attribute first, so an error text naming a record or
 * a host is ciphertext in history too. Without keys, Temporal's default (plain JSON), as on the local stack.
 */
export function sluiceDataConverter(cfg: SluiceConfig['codec']): DataConverter | undefined {
  const keys = parseCodecKeys(cfg.keys);
  if (!keys) return undefined;
  return { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath: encryptedFailureConverterPath() };
}
