import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec, parseCodecKeys } from '../../src/codec/aes-gcm-codec';
import { createCodecServer } from '../../src/codec/codec-server';
import { sluiceDataConverter } from '../../src/codec/data-converter';
import { INGEST_WORKFLOW } from '../../src/contracts/messages';
import { ensureTemporal } from '../../src/stack/tools';
import { cfg, uniq } from '../helpers/env';
import { freePort } from '../helpers/nginx';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/web-ui';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) console.warn(`codec-web-ui.test.ts: skipped: ${CHROMIUM_PATH} is missing (run .ci/install-browser)`);

const KEYS = `k1=${Buffer.alloc(32, 5).toString('base64')}`;
const SCREENSHOT = path.join(__dirname, '..', '..', 'test-results', 'web-ui', 'codec-decoded-input.png');

/**
 * A dev server of its own (in memory, on free ports) whose Web UI is started with --ui-codec-endpoint, exactly as
 * `sluice stack up` starts the stack's when SLUICE_CODEC_KEYS is set; the shared stack is left as it is.
 */
describe.skipIf(!hasChromium)('Web UI shows encrypted input in clear through the codec server', () => {
  let server: ChildProcess;
  let codec: ReturnType<typeof createCodecServer>;
  let address = '';
  let uiUrl = '';

  beforeAll(async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    address = `127.0.0.1:${port}`;
    uiUrl = `http://127.0.0.1:${uiPort}`;
    codec = createCodecServer({
      codec: new AesGcmCodec(parseCodecKeys(KEYS) as NonNullable<ReturnType<typeof parseCodecKeys>>),
      corsOrigins: [uiUrl],
    });
    await new Promise<void>((resolve) => codec.listen(0, '127.0.0.1', resolve));
    const codecUrl = `http://127.0.0.1:${(codec.address() as AddressInfo).port}`;
    const temporal = await ensureTemporal(cfg.stack.toolsDir, () => undefined);
    server = spawn(
      temporal,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--ui-port',
        String(uiPort),
        '--ui-codec-endpoint',
        codecUrl,
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; ; i++) {
      try {
        const c = await Connection.connect({ address, connectTimeout: 1000 });
        await c.close();
        const ui = await fetch(uiUrl).catch(() => undefined);
        if (ui?.ok) break;
      } catch (e) {
        if (i > 60) throw e;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise<void>((resolve) => (codec ? codec.close(() => resolve()) : resolve()));
  });

  it('the workflow page shows the decoded input', async () => {
    const marker = uniq('PLAIN-INPUT-MARKER');
    const connection = await Connection.connect({ address });
    const dataConverter = sluiceDataConverter({ ...cfg.codec, keys: KEYS });
    const client = new Client({ connection, namespace: 'default', dataConverter });
    const workflowId = uniq('codec-ui');
    // No worker polls this queue: the workflow stays open with its (encrypted) input in history.
    const handle = await client.workflow.start(INGEST_WORKFLOW, {
      taskQueue: uniq('no-worker'),
      workflowId,
      args: [{ note: marker }],
    });
    const raw = new Client({ connection, namespace: 'default' });
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(input?.data ?? []).toString('latin1')).not.toContain(marker);

    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
      await page.goto(
        `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${handle.firstExecutionRunId}/history`,
        {
          waitUntil: 'domcontentloaded',
        },
      );
      let decodeCalls = 0;
      page.on('response', (r) => {
        if (r.url().endsWith('/decode') && r.status() === 200) decodeCalls += 1;
      });
      try {
        await page.getByText(marker).first().waitFor({ timeout: 30_000 });
      } catch (e) {
        await page.screenshot({ path: SCREENSHOT.replace('.png', '.failed.png'), fullPage: true });
        throw new Error(
          `${(e as Error).message}\npage shows:\n${(await page.locator('body').textContent())?.slice(0, 2000)}`,
        );
      }
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(await page.locator('body').textContent()).toContain(marker);
      // The browser itself asked the codec server: the UI server never holds the keys.
      expect(decodeCalls).toBeGreaterThan(0);
    } finally {
      await browser?.close();
      await raw.workflow.getHandle(workflowId).terminate('test done');
      await connection.close();
    }
  });
});
