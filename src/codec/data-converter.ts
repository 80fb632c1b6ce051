import type { DataConverter } from '@temporalio/common';
import type { SluiceConfig } from '../config/load';
import { AesGcmCodec, parseCodecKeys } from './aes-gcm-codec';

/** Module path of the failure converter used with encryption (loaded by path, also inside the workflow sandbox). */
export function encryptedFailureConverterPath(): string {
  return require.resolve('./failure-converter');
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
