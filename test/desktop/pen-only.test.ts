// Pen-only mode end to end: `mnpen desktop --port` on a socat pty, an external `mnpen session --port` on the other end, the page in Chromium.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { artifactPath, buildPage, finishedInjection, launchBrowser, type TestBrowser } from '../support/browser.js';
import { screening, tempDir, writeJson } from '../support/cli.js';
import { openPtyPair, spawnCli, waitForOutput, type CliChild, type PtyPair } from '../support/pty-pair.js';
import { describeWithPrograms } from '../support/system-programs.js';

let dir: string;
let pty: PtyPair;
let desk: CliChild;
let browser: TestBrowser;
let sessions = 0;
const children: CliChild[] = [];

/** An external controller session on the host end: a fresh record store (so no earlier session's rules apply). */
function startSession(passes: number): CliChild {
  sessions++;
  const db = join(dir, `session-${sessions}.db`);
  const store = openStore(db);
  store.upsertClient({ clientId: 'desk-client', birthYear: 1985 });
  store.recordPatchTest('desk-client', Date.now() - 3 * 24 * 3600_000, 'jawline');
  store.close();
  const answers = writeJson(dir, 'screening.json', screening(new Date(Date.now() - 3600_000).toISOString(), 1985));
  const plan = writeJson(dir, `plan-${passes}.json`, {
    mode: 'home',
    areas: [{ area: 'cheeks', depthMm: 0.25, passes }],
  });
  const session = spawnCli([
    ...['session', '--port', pty.hostPath, '--plan', plan, '--client', 'desk-client'],
    ...['--screening', answers, '--db', db, '--json'],
  ]);
  children.push(session);
  return session;
}

async function penState(state: string): Promise<void> {
  await browser.page.locator('#pen-state').filter({ hasText: state }).waitFor({ timeout: 15_000 });
}

/** Waits for the pen to be ARMED by `session`; fails at once, with the session's output, if the session ends first. */
async function armedBy(session: CliChild): Promise<void> {
  const ended = session.exited.then((code) => {
    throw new Error(`the session ended (${code}) before arming: ${JSON.stringify(session.output)}`);
  });
  await Promise.race([penState('ARMED'), ended]);
  ended.catch(() => {});
}

/** Presses and holds the contact pad for `ms`, then lifts off for `liftMs` (longer than the pass debounce). */
async function glide(ms: number, liftMs = 400): Promise<void> {
  const { page } = browser;
  await page.locator('#contact-pad').hover();
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
  await page.waitForTimeout(liftMs);
}

describeWithPrograms(['socat', 'chromium'], 'pen-only mode: the desk pen on a pty for an external controller', () => {
  beforeAll(async () => {
    buildPage();
    dir = tempDir('mnpen-desk-');
    // NOTE: Chromium starts first: its start-up burst on a 2-core machine must not starve a running session's heartbeat.
    browser = await launchBrowser();
    pty = await openPtyPair(dir);
    desk = spawnCli(['desktop', '--port', pty.penPath, '--seed', '5', '--cartridge', '7001']);
    await waitForOutput(desk, (stdout) => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(stdout));
    const url = (/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(desk.output.stdout) as RegExpExecArray)[0];
    await browser.page.goto(url);
    await penState('IDLE');
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.process.kill('SIGINT');
    desk?.process.kill('SIGINT');
    await desk?.exited;
    await browser?.close();
    pty?.close();
  });

  it('S5: two holds on the page are the two passes the external session counts; it completes with the pass limit', async () => {
    const session = startSession(2);
    await armedBy(session);
    await glide(800);
    await glide(800);
    expect(await session.exited, session.output.stderr).toBe(0);
    const summary = JSON.parse(session.output.stdout) as {
      outcome: string;
      pen: { cartridgeId: number };
      areas: { passes: number; punctures: number; lockReason: string | null }[];
    };
    expect(summary.outcome).toBe('completed');
    expect(summary.pen.cartridgeId).toBe(7001);
    expect(summary.areas[0]).toMatchObject({ passes: 2, lockReason: 'PASS_LIMIT_REACHED' });
    expect(summary.areas[0]?.punctures).toBeGreaterThan(0);
    const { page } = browser;
    expect(await page.locator('#event-log [data-name="CONTACT_ON"]').count()).toBe(2);
    expect(Number((await page.textContent('#pen-punctures'))?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it("STOP by key stops the external session's drive at the pen (STOP_HOST, code shown); a screenshot is kept", async () => {
    const session = startSession(6);
    const { page } = browser;
    await armedBy(session);
    await glide(900, 300);
    await page.locator('#contact-pad').hover();
    await page.mouse.down();
    await page.waitForTimeout(600);
    await page.screenshot({ path: artifactPath('pen-only.png') });
    await page.keyboard.press('Space');
    await page.mouse.up();
    await page.locator('#event-log [data-kind="stop"][data-name="STOP_HOST"]').first().waitFor();
    await penState('IDLE');
    await page.locator('#pen-last-stop').filter({ hasText: 'STOP_HOST (0x50)' }).waitFor();
    session.process.kill('SIGINT');
    await session.exited;
  }, 60_000);

  it('S13: a fault injected from the page latches with its code and a measured time to safe; the session ends in fault', async () => {
    const session = startSession(6);
    const { page } = browser;
    await armedBy(session);
    await page.click('#inject-over-current');
    const outcome = await finishedInjection(page, 'over-current');
    expect(outcome.latched).toMatch(/^OVER_CURRENT \(0x11\) after \d+ ms$/);
    expect(outcome.timeToSafe).toMatch(/^\d+ ms$/);
    expect(await session.exited).toBe(1);
    expect(JSON.parse(session.output.stdout)).toMatchObject({ outcome: 'fault' });
  }, 60_000);

  it('S13: with the injected fault ended and the pen power-cycled, ESTOP by key latches FAULT ESTOP; the session ends in fault', async () => {
    const { page } = browser;
    await page.click('#clear-faults');
    await page.locator('#pen-active-faults').filter({ hasText: 'none' }).waitFor();
    await page.click('#power-cycle');
    await page.locator('#pen-boots').filter({ hasText: '2' }).waitFor();
    await penState('IDLE');
    const session = startSession(6);
    await armedBy(session);
    await page.keyboard.press('Escape');
    await page.locator('#pen-fault').filter({ hasText: 'ESTOP (0x30)' }).waitFor();
    await page.locator('#event-log [data-kind="fault"][data-name="ESTOP"]').first().waitFor();
    await page.screenshot({ path: artifactPath('pen-only-after-faults.png') });
    expect(await session.exited).toBe(1);
    expect(JSON.parse(session.output.stdout)).toMatchObject({ outcome: 'fault' });
  }, 60_000);
});
