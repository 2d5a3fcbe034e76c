// Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, headless, offline-quiet, a fresh profile each launch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../perf/dashboard-page.js';
import { packageRoot } from '../../src/desktop/page-assets.js';

/** Where browser tests write their artifacts (screenshots); git-ignored. */
export const ARTIFACTS_DIR = join(packageRoot(), 'test-artifacts', 'desktop');

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far (a CSP violation shows here). */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data-dir and one page. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'mnpen-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));

  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the page bundle from the current sources (as `npm run build` does), so a browser test never runs a stale page. */
export function buildPage(): void {
  const run = spawnSync(process.execPath, ['scripts/build-desktop-page.mjs'], { cwd: packageRoot(), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`page build failed: ${run.stderr}`);
}

/** The screenshot path for `name`, its folder created. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** What one finished injection row of the page says: the latched fault, the stop, and the time to safe (cells as shown). */
export async function finishedInjection(page: Page, kind: string) {
  const row = page.locator(`#injections tr[data-kind="${kind}"][data-done="true"]`);
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  return {
    latchedName: await row.getAttribute('data-latched'),
    safeAfterMs: Number(await row.getAttribute('data-safe-after-ms')),
    latched: cells[3],
    stop: cells[4],
    timeToSafe: cells[5],
  };
}

/**
 * Opens a page served from another origin (a foreign 127.0.0.1 port) that opens `wsUrl` (the
 * right token included); resolves with the page's title: "open", or "closed CODE" when refused.
 */
export async function foreignOriginSocket(context: BrowserContext, wsUrl: string): Promise<string> {
  const foreign = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(
      `<script>const ws = new WebSocket(${JSON.stringify(wsUrl)});` +
        "ws.onopen = () => (document.title = 'open'); ws.onclose = (e) => (document.title = 'closed ' + e.code);</script>",
    );
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const other = await context.newPage();
  try {
    await other.goto(`http://127.0.0.1:${(foreign.address() as { port: number }).port}/`);
    await other.waitForFunction("document.title.startsWith('closed') || document.title === 'open'", null, {
      polling: 50,
    });
    return await other.title();
  } finally {
    await other.close();
    foreign.closeAllConnections();
    await new Promise<void>((resolve) => foreign.close(() => resolve()));
  }
}
