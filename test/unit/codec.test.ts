import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec, parseCodecKeys } from '../../src/codec/aes-gcm-codec';
import { createCodecServer } from '../../src/codec/codec-server';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const plain = { file: { bucket: 'landing', key: 'acme/conn.ndjson' }, secret: 'MARKER-plaintext' };

describe('AES-256-GCM payload codec', () => {
  const codecV1 = new AesGcmCodec(parseCodecKeys(`v1=${key(1)}`) as NonNullable<ReturnType<typeof parseCodecKeys>>);
  const codecV2 = new AesGcmCodec(
    parseCodecKeys(`v2=${key(2)},v1=${key(1)}`) as NonNullable<ReturnType<typeof parseCodecKeys>>,
  );

  it('seals the payload (metadata included) and opens it again', async () => {
    const payload = defaultPayloadConverter.toPayload(plain);
    const [sealed] = await codecV1.encode([payload]);
    const raw = Buffer.from(JSON.stringify(sealed)).toString();
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain('MARKER');
    expect(raw).not.toContain('json/plain');
    expect(Buffer.from(sealed?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed?.metadata?.['encryption-key-id'] ?? []).toString()).toBe('v1');
    const [opened] = await codecV1.decode([sealed as typeof payload]);
    expect(defaultPayloadConverter.fromPayload(opened as typeof payload)).toEqual(plain);
  });

  it('rotation: encrypts with the first key, still opens what older keys sealed', async () => {
    const [old] = await codecV1.encode([defaultPayloadConverter.toPayload(plain)]);
    const [fresh] = await codecV2.encode([defaultPayloadConverter.toPayload(plain)]);
    expect(Buffer.from(fresh?.metadata?.['encryption-key-id'] ?? []).toString()).toBe('v2');
    for (const p of [old, fresh]) {
      const [opened] = await codecV2.decode([p as NonNullable<typeof p>]);
      expect(defaultPayloadConverter.fromPayload(opened as NonNullable<typeof opened>)).toEqual(plain);
    }
    await expect(codecV1.decode([fresh as NonNullable<typeof fresh>])).rejects.toThrow(
      'payload encrypted with key "v2", which is not in SLUICE_CODEC_KEYS',
    );
  });

  it('refuses a tampered payload or one relabelled with another key id; passes unencrypted ones through', async () => {
    const [sealed] = await codecV2.encode([defaultPayloadConverter.toPayload(plain)]);
    const data = Buffer.from(sealed?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codecV2.decode([{ ...sealed, data }])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...sealed, metadata: { ...sealed?.metadata, 'encryption-key-id': Buffer.from('v1') } };
    await expect(codecV2.decode([relabelled])).rejects.toThrow(/failed authentication with key "v1"/);
    const clear = defaultPayloadConverter.toPayload(plain);
    expect(await codecV2.decode([clear])).toEqual([clear]);
  });
});

describe('codec server', () => {
  const codec = new AesGcmCodec(parseCodecKeys(`v1=${key(1)}`) as NonNullable<ReturnType<typeof parseCodecKeys>>);
  const server = createCodecServer({ codec, corsOrigins: ['http://127.0.0.1:8233'], token: 'tok-123' });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const asJson = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });

  it('decodes for the Web UI with the bearer token, and answers its CORS preflight', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(plain)]);
    const res = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tok-123', origin: 'http://127.0.0.1:8233' },
      body: JSON.stringify({ payloads: [asJson(sealed as NonNullable<typeof sealed>)] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(body.payloads[0]?.metadata.encoding ?? '', 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString())).toEqual(plain);

    const preflight = await fetch(`${url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const stranger = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a missing or wrong token and a malformed body', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({}, '{"payloads":[]}')).status).toBe(401);
    expect((await post({ authorization: 'Bearer nope' }, '{"payloads":[]}')).status).toBe(401);
    const bad = await post({ authorization: 'Bearer tok-123' }, '{"nope":1}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/expected \{"payloads"/);
  });
});
