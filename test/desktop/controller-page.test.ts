// Controller mode in real Chromium: token and Origin, the home plan held on an area until its pass limit locks it, STOP and ESTOP by key, a fault with its time to safe, the aftercare.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ControllerDesk } from '../../src/desktop/controller-desk.js';
import { loadPageAssets, packageRoot } from '../../src/desktop/page-assets.js';
import {
  artifactPath,
  buildPage,
  finishedInjection,
  foreignOriginSocket,
  launchBrowser,
  type TestBrowser,
} from '../support/browser.js';
import { startTestControllerDesk } from '../support/desk-server.js';
import { describeWithPrograms } from '../support/system-programs.js';

/** The screenshot the README and docs/desktop.md show: written by this test. */
/** The test artifact; docs/img/desktop-controller.png (linked from the README) is a copy of one. */
const SCREENSHOT = artifactPath('desktop-controller.png');
const HOME_PLAN = JSON.parse(readFileSync(join(packageRoot(), 'examples', 'home-full-face.json'), 'utf8')) as unknown;

let browser: TestBrowser;
let desk: ControllerDesk;

/** Starts a session operated by the page's hand at 1x and waits for the machine to await an area. */
async function startHandSession(): Promise<void> {
  const { page } = browser;
  await page.selectOption('#session-operator', 'hand');
  await page.selectOption('#session-speed', '1x');
  await page.click('#session-start');
  await page
    .locator('#machine-state[data-running="true"]')
    .and(page.locator('[data-state="connected.session.selectingArea.awaitingOperator"]'))
    .waitFor({ timeout: 20_000 });
}

/** Presses on `area` until the drive runs, holds `holdMs`, then lifts off. */
async function pressArea(area: string): Promise<void> {
  const { page } = browser;
  await page.locator(`#area-${area}`).hover();
  await page.mouse.down();
  await page.locator('#pen-motor').filter({ hasText: 'driven' }).waitFor({ timeout: 10_000 });
}

async function glide(area: string, holdMs = 500): Promise<void> {
  const { page } = browser;
  const passes = Number(await page.getAttribute(`#area-${area}`, 'data-passes'));
  await pressArea(area);
  await page.waitForTimeout(holdMs);
  await page.mouse.up();
  await page.locator(`#area-${area}[data-passes="${passes + 1}"]`).waitFor({ timeout: 10_000 });
  // Past the pass debounce and the next pass's reservation.
  await page.waitForTimeout(400);
}

async function sessionEnded(number: number): Promise<string> {
  const end = browser.page.locator(`#session-end[data-number="${number}"]`);
  await end.waitFor({ timeout: 15_000 });
  return (await end.getAttribute('data-outcome')) as string;
}

describeWithPrograms(['chromium'], 'controller mode page in Chromium', () => {
  beforeAll(async () => {
    buildPage();
    browser = await launchBrowser();
    ({ desk } = await startTestControllerDesk(loadPageAssets(), {
      json: HOME_PLAN,
      source: 'examples/home-full-face.json',
    }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it('opens with the token (403 without it, a foreign Origin refused) and shows the plan on the map', async () => {
    const { page, context } = browser;
    const probe = await context.newPage();
    expect((await probe.goto(desk.url.replace(/\?token=.*/, '')))?.status()).toBe(403);
    await probe.close();
    const server = desk.deskServer;
    const refusedBefore = server.stats.upgradesRefused;
    expect(await foreignOriginSocket(context, `ws://127.0.0.1:${server.port}/ws?token=${server.token}`)).toBe(
      'closed 1006',
    );
    expect(server.stats.upgradesRefused).toBe(refusedBefore + 1);
    expect((await page.goto(desk.url))?.status()).toBe(200);
    await page.locator('#connection[data-state="open"]').waitFor();
    await page.locator('#area-forehead').waitFor();
    expect(await page.locator('.treatment-map .area').count()).toBe(4);
    expect(await page.textContent('#mode')).toContain('controller: home pen');
    expect(browser.errors).toEqual([]);
  });

  it('S5 S8 S13: holds on the forehead are its passes until the pass limit locks it (PASS_LIMIT_REACHED, motor off); STOP by key aborts', async () => {
    const { page } = browser;
    await startHandSession();
    for (let pass = 0; pass < 4; pass++) await glide('forehead');
    const forehead = page.locator('#area-forehead[data-locked="true"]');
    await forehead.waitFor({ timeout: 10_000 });
    expect(await forehead.getAttribute('data-lock-reason')).toBe('PASS_LIMIT_REACHED');
    expect(await forehead.textContent()).toContain('locked: PASS_LIMIT_REACHED');
    expect(await forehead.textContent()).toContain('passes 4/4');
    await page.locator('#event-log [data-kind="area"][data-name="PASS_LIMIT_REACHED"]').first().waitFor();
    await page.locator('#pen-motor').filter({ hasText: 'off' }).waitFor();
    expect(desk.current.pen?.pen.hardware.motor.commandHz).toBe(0);
    // A press on the locked area: the machine refuses it, and no needle moves.
    await page.locator('#area-forehead').hover();
    await page.mouse.down();
    await page.locator('#event-log [data-kind="refusal"][data-name="AREA_LOCKED"]').first().waitFor();
    await page.waitForTimeout(300);
    expect(await page.textContent('#pen-motor')).toBe('off');
    await page.mouse.up();
    await page.screenshot({ path: SCREENSHOT });
    await page.keyboard.press('Space');
    expect(await sessionEnded(1)).toBe('aborted');
    await page.locator('#event-log [data-kind="stop"][data-name="OPERATOR_STOP"]').first().waitFor();
    expect(await page.textContent('#end-summary')).toContain('mnpen session: ABORTED (OPERATOR_STOP)');
    expect(await page.textContent('#end-summary')).toContain('locked: PASS_LIMIT_REACHED');
    expect(await page.textContent('#end-history')).toMatch(/client demo-client-\S+: home session, aborted/);
  }, 90_000);

  it('S13: a fault injected during a pass latches with its code and a measured time to safe; the session ends in fault', async () => {
    const { page } = browser;
    await startHandSession();
    await pressArea('cheeks');
    // NOTE: dispatched, not clicked: the mouse stays held on the area (the pass goes on).
    await page.locator('#inject-over-current').dispatchEvent('click');
    const outcome = await finishedInjection(page, 'over-current');
    await page.mouse.up();
    expect(outcome.latchedName).toBe('OVER_CURRENT');
    expect(outcome.latched).toMatch(/^OVER_CURRENT \(0x11\) after \d+ ms$/);
    expect(outcome.timeToSafe).toMatch(/^\d+ ms$/);
    expect(outcome.safeAfterMs).toBeLessThan(100);
    await page.locator('#pen-fault').filter({ hasText: 'OVER_CURRENT (0x11)' }).waitFor();
    expect(await sessionEnded(2)).toBe('fault');
    await page.locator('#event-log [data-kind="fault"][data-name="OVER_CURRENT"]').first().waitFor();
  }, 60_000);

  it('S13: ESTOP by key during a pass ends the session; the end shows the summary, the aftercare and the history', async () => {
    const { page } = browser;
    await startHandSession();
    await pressArea('chin');
    await page.keyboard.press('Escape');
    await page.mouse.up();
    expect(await sessionEnded(3)).not.toBe('completed');
    await page.locator('#pen-fault').filter({ hasText: 'ESTOP (0x30)' }).waitFor();
    expect(await page.textContent('#end-summary')).toContain('Aftercare:');
    const aftercare = await page.locator('#end-aftercare li').allTextContents();
    expect(aftercare.length).toBeGreaterThan(1);
    expect(aftercare.join(' ')).not.toContain('no skin was treated');
    const history = (await page.textContent('#end-history')) as string;
    expect(history).toMatch(/^#\d+ /);
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
