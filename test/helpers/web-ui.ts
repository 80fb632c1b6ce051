import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's chromium package (installed by .ci/install-browser); a test tool's own browser download cannot work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium keeps calling home (updates, sync, safe browsing, QUIC probes),
 * which on a closed network is a flood of failing connections.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface FindWorkflowsOptions {
  /** Base address of the Temporal Web UI, e.g. http://127.0.0.1:8233. */
  uiUrl: string;
  namespace: string;
  /** A visibility query as an operator types it, e.g. `PipelineStatus="AwaitingDecision"`. */
  query: string;
  /** Wait until every one of these workflow ids is listed. */
  expectWorkflowIds: string[];
  /** Where the full-page screenshot of the filtered list is saved (its folder is created). */
  screenshotPath: string;
  /** Overall limit for the whole look-up; 60 s unless told. */
  timeoutMs?: number;
}

export interface FindWorkflowsResult {
  /** Workflow ids the UI listed for the query, in the UI's order. */
  listedIds: string[];
  /**
   * How the query reached the UI: `typed` into the workflow list's query box (as an operator does), or
   * `url-parameter` (`?query=`) when that box could not be found in this UI version.
   */
  appliedVia: 'typed' | 'url-parameter';
}

// Controls of the workflow list in the Temporal UI (2.x, checked against 2.42.1 as shipped by the CLI's dev server):
// the "</>" button beside "Add Filter" switches the filter bar to a free-text visibility query box.
const MANUAL_QUERY_TOGGLE = '[data-testid="toggle-manual-query"]';
const QUERY_BOX = 'form[role="search"] input[name="query"], input[data-testid="manual-search-input"]';
const SEARCH_BUTTON = '[data-testid="manual-search-button"]';
const ROW = 'tr[data-testid="workflows-summary-configurable-table-row"]';
const ROW_FALLBACK = 'table tbody tr';

/**
 * Drives the Temporal Web UI in a real (headless) Chromium the way an operator does: open the namespace's workflow
 * list, type a visibility query into the UI's query box, submit it, and wait until the expected workflows are listed.
 * Saves a full-page screenshot of the result. Throws, with an excerpt of the page's visible text, when the
 * expected ids do not show up in time.
 */
export async function findWorkflowsInWebUi(opts: FindWorkflowsOptions): Promise<FindWorkflowsResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const listUrl = `${opts.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(opts.namespace)}/workflows`;

  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: remaining() });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(Math.min(15_000, timeoutMs));
    await page.goto(listUrl, { waitUntil: 'domcontentloaded', timeout: remaining() });

    const appliedVia = await applyQuery(page, listUrl, opts.query, remaining);

    const expected = new Set(opts.expectWorkflowIds);
    let listedIds: string[] = [];
    let round = 0;
    while (true) {
      listedIds = await listedWorkflowIds(page, opts.namespace);
      if ([...expected].every((id) => listedIds.includes(id))) break;
      if (Date.now() >= deadline) {
        throw new Error(
          `Temporal Web UI did not list ${JSON.stringify([...expected].filter((id) => !listedIds.includes(id)))} ` +
            `for query ${JSON.stringify(opts.query)} within ${timeoutMs} ms (listed: ${JSON.stringify(listedIds)}); ` +
            `page ${page.url()} shows:\n${await visibleTextExcerpt(page)}`,
        );
      }
      await page.waitForTimeout(Math.min(1000, remaining()));
      // Visibility is eventually consistent and the list does not refresh by itself: every few seconds run the
      // query again, as an operator would press Search again. A failed re-run is not fatal: the next round
      // reads the list again, and the timeout error shows what the page says.
      if (++round % 3 === 0 && remaining() > 5_000) {
        await resubmit(page, appliedVia, listUrl, opts.query, remaining).catch(() => undefined);
      }
    }

    mkdirSync(path.dirname(opts.screenshotPath), { recursive: true });
    await page.screenshot({ path: opts.screenshotPath, fullPage: true, timeout: remaining() });
    return { listedIds, appliedVia };
  } catch (err) {
    // Keep what the browser showed when it went wrong, next to where the good screenshot would have been.
    if (page && !page.isClosed()) {
      const failedShot = opts.screenshotPath.replace(/(\.png)?$/i, '.failed.png');
      try {
        mkdirSync(path.dirname(failedShot), { recursive: true });
        await page.screenshot({ path: failedShot, fullPage: true, timeout: 10_000 });
      } catch {
        // The original error matters more than a missing failure screenshot.
      }
    }
    throw err;
  } finally {
    await browser?.close();
  }
}

/** Types the query into the UI's query box and submits it; falls back to the `?query=` URL parameter only if there is no such box. */
export async function applyQuery(
  page: Page,
  listUrl: string,
  query: string,
  remaining: () => number,
): Promise<'typed' | 'url-parameter'> {
  const box = page.locator(QUERY_BOX).first();
  const toggle = page.locator(MANUAL_QUERY_TOGGLE).first();
  // The list page first shows the filter bar; wait for either the "</>" toggle or an already open query box.
  try {
    await toggle
      .or(box)
      .first()
      .waitFor({ state: 'visible', timeout: Math.min(30_000, remaining()) });
  } catch {
    // Neither control showed up: the UI version differs from what this helper knows.
  }
  if (!(await box.isVisible()) && (await toggle.isVisible())) await toggle.click();

  if (await isVisibleWithin(box, Math.min(10_000, remaining()))) {
    await box.click();
    await box.fill('');
    // Type key by key, as a person does, so the UI's own input handling runs.
    await box.pressSequentially(query, { delay: 5 });
    await box.press('Enter');
    await waitForQueryInUrl(page, query, remaining);
    return 'typed';
  }

  console.warn(
    `findWorkflowsInWebUi: no query box (${QUERY_BOX}) on ${page.url()}; falling back to the ?query= URL parameter`,
  );
  await page.goto(`${listUrl}?query=${encodeURIComponent(query)}`, {
    waitUntil: 'domcontentloaded',
    timeout: remaining(),
  });
  return 'url-parameter';
}

export async function resubmit(
  page: Page,
  appliedVia: 'typed' | 'url-parameter',
  listUrl: string,
  query: string,
  remaining: () => number,
): Promise<void> {
  if (appliedVia === 'typed') {
    const button = page.locator(SEARCH_BUTTON).first();
    if (await button.isVisible()) {
      await button.click({ timeout: Math.min(5_000, remaining()) });
      return;
    }
    const box = page.locator(QUERY_BOX).first();
    if (await box.isVisible()) {
      await box.press('Enter', { timeout: Math.min(5_000, remaining()) });
      return;
    }
  }
  await page.goto(`${listUrl}?query=${encodeURIComponent(query)}`, {
    waitUntil: 'domcontentloaded',
    timeout: remaining(),
  });
}

/** The UI records the applied query in the address bar; that is the proof it took what was typed. */
async function waitForQueryInUrl(page: Page, query: string, remaining: () => number): Promise<void> {
  try {
    await page.waitForURL((url) => url.searchParams.get('query')?.trim() === query.trim(), {
      timeout: Math.min(15_000, remaining()),
      waitUntil: 'commit',
    });
  } catch {
    throw new Error(
      `Temporal Web UI did not apply the typed query ${JSON.stringify(query)} (address is ${page.url()}); ` +
        `page shows:\n${await visibleTextExcerpt(page)}`,
    );
  }
}

async function isVisibleWithin(locator: Locator, timeoutMs: number): Promise<boolean> {
  try {
    await locator.waitFor({ state: 'visible', timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/** Workflow ids of the listed rows, read from each row's links to the workflow (`/namespaces/NS/workflows/ID/RUN/...`). */
export async function listedWorkflowIds(page: Page, namespace: string): Promise<string[]> {
  const prefix = `/namespaces/${encodeURIComponent(namespace)}/workflows/`;
  const links = page.locator(`${ROW} a[href*="${prefix}"], ${ROW_FALLBACK} a[href*="${prefix}"]`);
  // One read of all rows at once: the list re-renders while results arrive, so no per-row round trips.
  const hrefs: string[] = await links.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''));
  const ids: string[] = [];
  for (const href of hrefs) {
    const id = workflowIdFromHref(href, prefix);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

function workflowIdFromHref(href: string, prefix: string): string | undefined {
  const pathname = new URL(href, 'http://ui.invalid').pathname;
  const at = pathname.indexOf(prefix);
  if (at < 0) return undefined;
  // ID/RUN_ID/tab: the id is the first segment (the UI percent-encodes slashes inside ids).
  const [encodedId] = pathname.slice(at + prefix.length).split('/');
  return encodedId ? decodeURIComponent(encodedId) : undefined;
}

export async function visibleTextExcerpt(page: Page, max = 2000): Promise<string> {
  try {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is wanted, as a person sees it.
    const text = (await page.locator('body').innerText({ timeout: 5_000 })).replace(/\n{2,}/g, '\n').trim();
    return text.length > max ? `${text.slice(0, max)}\n…(${text.length - max} more characters)` : text;
  } catch (err) {
    return `(could not read the page's text: ${(err as Error).message})`;
  }
}
