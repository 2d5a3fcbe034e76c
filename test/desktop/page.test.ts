// The desk page in real Chromium against an in-process pen-only desk and a real host link: token, foreign Origin, plots, STOP and ESTOP keys, fault injection.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPageAssets } from '../../src/desktop/page-assets.js';
import type { PenOnlyDesk } from '../../src/desktop/pen-only-desk.js';
import { createSystemClock } from '../../src/clock/clock.js';
import { Fault, PenState, Reason } from '../../src/protocol/index.js';
import { PenLink } from '../../src/transport/pen-link.js';
import { buildPage, finishedInjection, launchBrowser, type TestBrowser } from '../support/browser.js';
import type { PairEnd } from '../support/desk-harness.js';
import { startTestDesk } from '../support/desk-server.js';
import { describeWithPrograms } from '../support/system-programs.js';

let browser: TestBrowser;
let desk: PenOnlyDesk;
let host: PenLink;
let hostEnd: PairEnd;

/** Waits for `predicate` on the pen (real time). */
async function penReaches(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const startedAt = Date.now();
  while (!predicate()) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`pen did not reach ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A host that connects, asks for 200 Hz telemetry, sets the home cap and arms the drive. */
async function armByHost(): Promise<void> {
  await penReaches(() => desk.pen.diagnostics().state === PenState.IDLE, 'IDLE');
  await host.hello();
  host.startHeartbeat(50);
  await host.command('SET_TELEMETRY', { rateHz: 200 });
  await host.command('SET_DEPTH', { depthUm: 250 });
  await host.command('ARM', {});
  await penReaches(() => desk.pen.diagnostics().state === PenState.ARMED, 'ARMED');
}

describeWithPrograms(['chromium'], 'desk page in Chromium', () => {
  beforeAll(async () => {
    buildPage();
    ({ desk, host: hostEnd } = await startTestDesk(loadPageAssets()));
    host = new PenLink({ port: hostEnd, clock: createSystemClock() });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    host?.close();
    await browser?.close();
    await desk?.stop();
  });

  it('opens with the token and shows the pen side; without the token the server answers 403', async () => {
    const { page } = browser;
    const probe = await browser.context.newPage();
    expect((await probe.goto(desk.url.replace(/\?token=.*/, '')))?.status()).toBe(403);
    expect((await probe.goto(`${desk.url}x`))?.status()).toBe(403);
    await probe.close();
    const opened = await page.goto(desk.url);
    expect(opened?.status()).toBe(200);
    await page.locator('#connection[data-state="open"]').waitFor();
    await page.locator('#pen-state').filter({ hasText: 'IDLE' }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#mode')).toContain('pen-only: home pen');
    expect(await page.locator('#fault-controls form').count()).toBe(10);
    expect(browser.errors).toEqual([]);
  });

  it('refuses the websocket to a page from a foreign origin, even with the right token (DNS rebinding, CSRF)', async () => {
    const foreign: Server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(
        `<script>const ws = new WebSocket(${JSON.stringify(`ws://127.0.0.1:${desk.deskServer.port}/ws?token=${desk.deskServer.token}`)});` +
          "ws.onopen = () => (document.title = 'open'); ws.onclose = (e) => (document.title = 'closed ' + e.code);</script>",
      );
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const refusedBefore = desk.deskServer.stats.upgradesRefused;
    const other = await browser.context.newPage();
    try {
      await other.goto(`http://127.0.0.1:${(foreign.address() as { port: number }).port}/`);
      await other.waitForFunction("document.title.startsWith('closed') || document.title === 'open'", null, {
        polling: 50,
      });
      expect(await other.title()).toBe('closed 1006');
      expect(desk.deskServer.stats.upgradesRefused).toBe(refusedBefore + 1);
    } finally {
      await other.close();
      foreign.closeAllConnections();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });

  it('plots the telemetry the host asked for, decimated, and shows the drive armed', async () => {
    const { page } = browser;
    await armByHost();
    await page.locator('#pen-state').filter({ hasText: 'ARMED' }).waitFor();
    await page.locator('#pen-telemetry').filter({ hasText: '200 Hz' }).waitFor();
    // NOTE: the page's CSP forbids evaluating strings (no 'unsafe-eval'): read attributes instead.
    await expect
      .poll(async () => Number(await page.getAttribute('#feed', 'data-rows-per-second')), { timeout: 5000 })
      .toBeGreaterThan(50);
    const canvases = await page.locator('#depth-plot canvas, #rate-plot canvas').count();
    expect(canvases).toBe(2);
  });

  it('S13: STOP by key stops the drive (STOP_HOST shown with its code); ESTOP by key latches FAULT ESTOP', async () => {
    const { page } = browser;
    await page.keyboard.press('Space');
    await page.locator('#event-log [data-kind="stop"][data-name="STOP_HOST"]').first().waitFor();
    await penReaches(() => desk.pen.diagnostics().lastStopReason === Reason.STOP_HOST, 'STOP_HOST');
    await page.locator('#pen-last-stop').filter({ hasText: 'STOP_HOST (0x50)' }).waitFor();
    await host.command('ARM', {});
    await penReaches(() => desk.pen.diagnostics().state === PenState.ARMED, 'ARMED again');
    await page.keyboard.press('s');
    await penReaches(() => desk.pen.diagnostics().state === PenState.IDLE, 'IDLE after S');
    await page.keyboard.press('Escape');
    await penReaches(() => desk.pen.diagnostics().faultCode === Fault.ESTOP, 'FAULT ESTOP');
    await page.locator('#pen-fault').filter({ hasText: 'ESTOP (0x30)' }).waitFor();
    await page.locator('#event-log [data-kind="fault"][data-name="ESTOP"]').first().waitFor();
  });

  it('S13: inject a fault from the page: the row shows what latched, with its code, and the time to safe', async () => {
    const { page } = browser;
    await page.click('#power-cycle');
    await penReaches(() => desk.pen.pen.bootCount === 2, 'reboot');
    host.close();
    host = new PenLink({ port: hostEnd, clock: createSystemClock() });
    await armByHost();
    await page.click('#inject-over-current');
    const outcome = await finishedInjection(page, 'over-current');
    expect(outcome.latchedName).toBe('OVER_CURRENT');
    expect(outcome.latched).toMatch(/^OVER_CURRENT \(0x11\) after \d+ ms$/);
    expect(outcome.stop).toMatch(/^STOP_FAULT \(0x53\) after \d+ ms$/);
    expect(outcome.timeToSafe).toMatch(/^\d+ ms$/);
    expect(outcome.safeAfterMs).toBeLessThan(100);
    await page.locator('#pen-fault').filter({ hasText: 'OVER_CURRENT (0x11)' }).waitFor();
    expect(browser.errors).toEqual([]);
  });
});
