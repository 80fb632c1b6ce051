import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** Payload metadata of an encrypted payload; the names follow Temporal's samples so other tools recognise them. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'encryption-cipher';
const CIPHER_NAME = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** The keys a codec knows: the first encrypts, every one decrypts, so a key can be rotated without rewriting history. */
export interface CodecKeys {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id=base64key,…` (SLUICE_CODEC_KEYS, already validated by the config loader). */
export function parseCodecKeys(spec: string): CodecKeys | undefined {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const at = e.indexOf('=');
      return [e.slice(0, at), Buffer.from(e.slice(at + 1), 'base64')] as const;
    });
  const first = entries[0];
  if (!first) return undefined;
  for (const [id, key] of entries)
    if (key.length !== 32) throw new ValueError(`codec key "${id}" is not 32 bytes (AES-256)`);
  return { currentId: first[0], keys: new Map(entries) };
}

/**
 * Encrypts every payload (workflow inputs and results, activity arguments, signals, queries, memos, encoded
 * failures) with AES-256-GCM before it leaves the process, so Temporal's history and its Web UI hold ciphertext.
 * The whole payload, metadata included, is sealed: even the original encoding is not visible. The key id is
 * authenticated data, so a payload cannot be passed off under another key.
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keys.currentId;
    const key = this.keys.keys.get(id) as Buffer;
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(utf8.encode(id));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
          [KEY_ID]: utf8.encode(id),
          [CIPHER]: utf8.encode(CIPHER_NAME),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = p.metadata?.[METADATA_ENCODING_KEY];
      // Written before encryption was turned on (or by a client without it): readable as it is.
      if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return p;
      const idBytes = p.metadata?.[KEY_ID];
      const id = idBytes ? text.decode(idBytes) : '';
      const key = this.keys.keys.get(id);
      if (!key) throw new ValueError(`payload encrypted with key "${id}", which is not in SLUICE_CODEC_KEYS`);
      const data = p.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(utf8.encode(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`encrypted payload failed authentication with key "${id}" (altered or another key)`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
