import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { applyQuery, CHROMIUM_ARGS, CHROMIUM_PATH, listedWorkflowIds, resubmit, visibleTextExcerpt } from './web-ui';

/** What the workflow page's "User Metadata" tab shows (Temporal UI 2.42.1, as shipped by the CLI's dev server). */
export interface UserMetadata {
  summary: string;
  details: string;
  currentDetails: string;
  /** The one-line summaries of events that carry one (activities), as listed under "Events with Metadata". */
  eventSummaries: string[];
}

/**
 * An operator in a real (headless) Chromium on the Temporal Web UI: one page, used step by step as a person
 * does, so a test can go from the workflow list to a decision without leaving the browser. Every failure
 * message carries what the page showed.
 */
export class WebUiOperator {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly uiUrl: string,
    private readonly namespace: string,
    private readonly screenshotDir: string,
  ) {}

  static async launch(uiUrl: string, namespace: string, screenshotDir: string): Promise<WebUiOperator> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(20_000);
    mkdirSync(screenshotDir, { recursive: true });
    return new WebUiOperator(browser, page, uiUrl.replace(/\/+$/, ''), namespace, screenshotDir);
  }

  private get listUrl(): string {
    return `${this.uiUrl}/namespaces/${encodeURIComponent(this.namespace)}/workflows`;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: path.join(this.screenshotDir, `${name}.png`), fullPage: true });
  }

  /** Types the query into the workflow list's query box and waits until the workflow is listed; returns the list. */
  async search(query: string, workflowId: string, timeoutMs = 90_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    await this.page.goto(this.listUrl, { waitUntil: 'domcontentloaded' });
    const via = await applyQuery(this.page, this.listUrl, query, remaining);
    if (via !== 'typed') throw new Error(`the workflow list has no query box: ${await visibleTextExcerpt(this.page)}`);
    for (let round = 1; ; round++) {
      const listed = await listedWorkflowIds(this.page, this.namespace);
      if (listed.includes(workflowId)) return listed;
      if (Date.now() >= deadline)
        throw new Error(
          `the Web UI did not list ${workflowId} for ${query} (listed ${JSON.stringify(listed)}): ${await visibleTextExcerpt(this.page)}`,
        );
      await this.page.waitForTimeout(1000);
      // Visibility is eventually consistent and the list does not refresh by itself: search again, as a person would.
      if (round % 3 === 0) await resubmit(this.page, via, this.listUrl, query, remaining).catch(() => undefined);
    }
  }

  /** Clicks the listed workflow's link, as a person does, and waits for its page. */
  async openFromList(workflowId: string): Promise<void> {
    const href = `/namespaces/${encodeURIComponent(this.namespace)}/workflows/${encodeURIComponent(workflowId)}/`;
    await this.page.locator(`table a[href^="${href}"]`).first().click();
    await this.page.getByTestId('workflow-id-heading').filter({ hasText: workflowId }).waitFor();
  }

  /** Opens the "User Metadata" tab and reads what it renders (summary, details and current details are iframes). */
  async userMetadata(): Promise<UserMetadata> {
    await this.page.getByTestId('user-metadata-tab').click();
    const frames = this.page.locator('iframe[title="output"]');
    // Summary, Details, Current Details: the last one comes from a query the UI sends to the running workflow.
    await frames.nth(2).waitFor();
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = frames.nth(i).contentFrame().locator('body');
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is wanted, as a person reads it.
      texts.push((await body.innerText()).trim());
    }
    const events = this.page.locator('span.text-sm');
    const eventSummaries = (await events.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    const [summary = '', details = '', currentDetails = ''] = texts;
    return { summary, details, currentDetails, eventSummaries };
  }

  /** More Actions → Send a Signal: picks the signal, types its JSON input, submits, and waits for the dialog to close. */
  async sendSignal(name: string, input: unknown): Promise<void> {
    await this.page.getByRole('button', { name: 'More Actions' }).click();
    await this.page.getByRole('menuitem', { name: 'Send a Signal' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Send a Signal' });
    await dialog.getByTestId('signal-select-button').click();
    await dialog.getByRole('option', { name, exact: true }).click();
    const editor = dialog.getByRole('textbox').and(dialog.locator('[data-language="json"]'));
    await editor.click();
    // One insertion, not key by key: the JSON editor closes brackets and quotes as they are typed.
    await this.page.keyboard.insertText(JSON.stringify(input));
    await dialog.getByTestId('confirm-modal-button').click();
    try {
      await dialog.waitFor({ state: 'hidden' });
    } catch {
      throw new Error(`the Send a Signal dialog did not close: ${await visibleTextExcerpt(this.page)}`);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
