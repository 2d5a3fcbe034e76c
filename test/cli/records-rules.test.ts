// Issue 10's rules through the CLI only: patch tests, demo records, resume window, inputs that must exit 2 (S5, S6, S19).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { fixture, reasons, runCli, screening, tempDir, writeJson } from '../support/cli.js';

const DAY_MS = 24 * 3600 * 1000;
const T0 = Date.parse('2026-04-06T09:00:00Z');
const PATCH = ['--patch-test'];
const PATCH_PLAN = { plan: 'examples/patch-test-jawline.json' };

describe('records a clinic can trust (CLI)', () => {
  it('S19: a patch test is a treatment of its area: repeating it 5 minutes later is refused; the full session it clears is allowed after 48 h', async () => {
    const f = fixture({ mode: 'home', areas: [{ area: 'jawline', depthMm: 0.25, passes: 2 }] });
    expect((await f.session('pat', T0, PATCH, PATCH_PLAN)).code).toBe(0);
    for (let repeat = 1; repeat <= 9; repeat++) {
      const again = await f.session('pat', T0 + repeat * 5 * 60_000, PATCH, PATCH_PLAN);
      expect(again.code).toBe(1);
      expect(await reasons(Promise.resolve(again))).toEqual(['INTERVAL_TOO_SHORT']);
    }
    const full = await f.session('pat', T0 + 2 * DAY_MS);
    expect(full.code, full.stdout).toBe(0);
  });

  it('S19: a demo run never writes the real database; a demo client id is refused on a real pen', async () => {
    const dir = tempDir();
    const db = join(dir, 'mnpen.db');
    const demo = await runCli(['session', '--sim', '--plan', 'examples/home-full-face.json', '--db', db, '--json']);
    expect(demo.code).toBe(0);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(dir, 'demo.db'))).toBe(true);
    const clientId = demo.json<{ clientId: string }>().clientId;
    expect(clientId).toMatch(/^demo-client-/);
    const real = await runCli([
      'session',
      '--port',
      '/dev/null',
      '--plan',
      'examples/home-full-face.json',
      '--db',
      db,
      '--client',
      clientId,
    ]);
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/reserved for demo runs/);
    expect(existsSync(db)).toBe(false);
  });

  it('S19: --screening without --client exits 2 and records nothing', async () => {
    const dir = tempDir();
    const answers = writeJson(dir, 'answers.json', screening(new Date(T0).toISOString(), 1980, ['activeAcne']));
    const run = await runCli([
      'session',
      '--sim',
      '--plan',
      'examples/home-full-face.json',
      '--db',
      join(dir, 'mnpen.db'),
      '--screening',
      answers,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--screening needs --client/);
    expect(existsSync(join(dir, 'demo.db'))).toBe(false);
  });

  it('S5 S19: an interrupted session is resumed only within the window; six days later it is a new session under every rule', async () => {
    const f = fixture();
    expect((await f.session('rex', T0 - 3 * DAY_MS, PATCH, PATCH_PLAN)).code).toBe(0);
    // A session whose process died after opening a pass: the record is left not ended.
    const store = openStore(f.db, { nowMs: () => T0 });
    const sessionId = store.beginSession({
      clientId: 'rex',
      mode: 'home',
      isPatchTest: false,
      cartridgeId: 7007,
      areas: [{ area: 'cheeks', depthUm: 250, strokeHz: 100, passLimit: 2 }],
    });
    const pass = store.openPass(sessionId, 'cheeks');
    store.markPassContact(pass.passId);
    store.close();
    const late = await f.session('rex', T0 + 6 * DAY_MS, ['--cartridge', '7007']);
    expect(late.code).toBe(1);
    expect(late.json()).toMatchObject({ outcome: 'refused', outcomeReason: 'INTERVAL_TOO_SHORT', resumed: false });
    const history = (await runCli(['history', '--db', f.db, '--client', 'rex', '--json'])).json<
      { outcome: string }[]
    >();
    expect(history.map((session) => session.outcome)).toEqual(['refused', 'interrupted', 'completed']);
  });

  it('S5: within the window the same cartridge resumes the interrupted session with its opened passes', async () => {
    const f = fixture();
    expect((await f.session('sue', T0 - 3 * DAY_MS, PATCH, PATCH_PLAN)).code).toBe(0);
    const store = openStore(f.db, { nowMs: () => T0 });
    const sessionId = store.beginSession({
      clientId: 'sue',
      mode: 'home',
      isPatchTest: false,
      cartridgeId: 8008,
      areas: [{ area: 'cheeks', depthUm: 250, strokeHz: 100, passLimit: 2 }],
    });
    store.markPassContact(store.openPass(sessionId, 'cheeks').passId);
    store.close();
    const resumed = await f.session('sue', T0 + 10 * 60_000, ['--cartridge', '8008']);
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(resumed.json()).toMatchObject({ outcome: 'completed', resumed: true, sessionId });
    const areas = resumed.json<{ areas: { passes: number; passLimit: number }[] }>().areas;
    expect(areas[0]).toMatchObject({ passes: 2, passLimit: 2 });
    const after = openStore(f.db);
    expect(after.openedPassesByArea(sessionId).cheeks).toBeLessThanOrEqual(2);
    after.close();
  });

  it.each([
    ['--client ""', ['--client', '']],
    ['a 65-character --client', ['--client', 'c'.repeat(65)]],
    ['--plan /dev/zero', ['--plan', '/dev/zero']],
    ['a directory as --plan', ['--plan', 'examples']],
  ])('S4: %s exits 2 with a clear error, and creates no database', async (_, extra) => {
    const dir = tempDir();
    const db = join(dir, 'mnpen.db');
    const argv = ['session', '--sim', '--db', db, '--plan', 'examples/home-full-face.json', ...extra];
    const run = await runCli(argv);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(existsSync(db) || existsSync(join(dir, 'demo.db'))).toBe(false);
  });

  it('S4: a 50 MB plan is refused by its size before it is read whole (exit 2)', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"mode":"home","areas":[],"pad":"${'x'.repeat(50 * 1024 * 1024)}"}`);
    const run = await runCli(['session', '--sim', '--db', join(dir, 'mnpen.db'), '--plan', big]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/larger than the \d+-byte limit/);
  });

  it('S4: a directory given as --db exits 2 naming the database', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'mnpen.db'));
    const run = await runCli([
      'session',
      '--sim',
      '--db',
      join(dir, 'mnpen.db'),
      '--client',
      'dora',
      '--plan',
      'examples/home-full-face.json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/database/);
  });

  it('S1: a plan asking 0.2500001 mm in home mode exits 2 naming the field', async () => {
    const dir = tempDir();
    const plan = writeJson(dir, 'plan.json', {
      mode: 'home',
      areas: [{ area: 'cheeks', depthMm: 0.2500001, passes: 1 }],
    });
    const run = await runCli(['session', '--sim', '--db', join(dir, 'mnpen.db'), '--plan', plan]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/areas\[0\]\.depthMm: .*DEPTH_ABOVE_MODE_CAP/);
  });
});
