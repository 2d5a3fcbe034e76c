// Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, headless, offline-quiet, a fresh profile each launch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { packageRoot } from '../../src/desktop/page-assets.js';

/** Where browser tests write their artifacts (screenshots); git-ignored. */
export const ARTIFACTS_DIR = join(packageRoot(), 'test-artifacts', 'desktop');

/** NOTE: without these flags Chromium floods the closed network with refused connections (dependencies.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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
    executablePath: '/usr/bin/chromium',
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
