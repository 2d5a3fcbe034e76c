// Treatment rules and records end to end through `mnpen session` and `mnpen history` (S19, S8, S16).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, reasons, runCli, screening, tempDir, writeJson } from '../support/cli.js';

const DAY_MS = 24 * 3600 * 1000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('treatment rules through the CLI', () => {
  it('S19: a second home session on the same area 3 days later is refused; 8 days later it is allowed', async () => {
    const f = fixture();
    expect((await f.session('alice', T0, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' })).code).toBe(0);
    expect((await f.session('alice', T0 + 2 * DAY_MS)).code).toBe(0);
    const early = await f.session('alice', T0 + 5 * DAY_MS);
    expect(early.code).toBe(1);
    expect(await reasons(Promise.resolve(early))).toEqual(['INTERVAL_TOO_SHORT']);
    expect((await f.session('alice', T0 + 10 * DAY_MS)).code).toBe(0);
  });

  it('S19: a reused cartridge is refused with CARTRIDGE_REUSED', async () => {
    const f = fixture();
    // NOTE: the runs go forward in time: a clock behind the newest record is refused (S9).
    await f.session('bob', T0, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    await f.session('carol', T0 + 3600_000, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    expect((await f.session('bob', T0 + 2 * DAY_MS, ['--cartridge', '4242'])).code).toBe(0);
    const reused = await f.session('carol', T0 + 3 * DAY_MS, ['--cartridge', '4242']);
    expect(reused.code).toBe(1);
    expect(await reasons(Promise.resolve(reused))).toEqual(['CARTRIDGE_REUSED']);
  });

  it('S19: a full session before the patch test is refused; one within 24 h of it too', async () => {
    const f = fixture();
    expect(await reasons(f.session('dan', T0))).toEqual(['PATCH_TEST_MISSING']);
    await f.session('dan', T0 + DAY_MS, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    expect(await reasons(f.session('dan', T0 + DAY_MS + 6 * 3600_000))).toEqual(['PATCH_TEST_TOO_RECENT']);
  });

  it.each([
    ['activeAcne', 'CONTRAINDICATION_ACTIVE_ACNE'],
    ['pregnantOrBreastfeeding', 'CONTRAINDICATION_PREGNANCY_OR_BREASTFEEDING'],
    ['bloodThinnersOrBleedingDisorder', 'CONTRAINDICATION_BLEEDING_RISK'],
  ])('S19: declaring %s refuses the session with %s, and nothing is treated', async (question, reason) => {
    const f = fixture();
    await f.session('erin', T0, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    const run = await f.session('erin', T0 + 2 * DAY_MS, [], { yes: [question] });
    expect(run.code).toBe(1);
    const summary = run.json<{ outcome: string; refusals: { reason: string }[]; areas: { strokes: number }[] }>();
    expect(summary.outcome).toBe('refused');
    expect(summary.refusals.map((refusal) => refusal.reason)).toContain(reason);
    expect(summary.areas.every((area) => area.strokes === 0)).toBe(true);
  });

  it('S19: a client younger than 22 is refused with CLIENT_TOO_YOUNG', async () => {
    const f = fixture();
    expect(await reasons(f.session('young', T0, [], { birthYear: 2010 }))).toContain('CLIENT_TOO_YOUNG');
  });

  it('S19: a battery too low to finish is refused with BATTERY_TOO_LOW', async () => {
    const f = fixture();
    await f.session('frank', T0, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    expect(await reasons(f.session('frank', T0 + 2 * DAY_MS, ['--battery', '10']))).toEqual(['BATTERY_TOO_LOW']);
  });

  it('S19 S8: refusals are recorded with their reasons and listed by history', async () => {
    const f = fixture();
    await f.session('gina', T0);
    await f.session('gina', T0 + DAY_MS, ['--patch-test'], { plan: 'examples/patch-test-jawline.json' });
    const history = await runCli(['history', '--client', 'gina', '--db', f.db, '--json']);
    expect(history.code).toBe(0);
    const sessions =
      history.json<{ isPatchTest: boolean; outcome: string; areas: { area: string; passes: number }[] }[]>();
    // NOTE: a refused session is an outcome of the machine, recorded as such (issue 9): newest first.
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({
      isPatchTest: true,
      outcome: 'completed',
      areas: [{ area: 'jawline', passes: 1 }],
    });
    expect(sessions[1]).toMatchObject({ isPatchTest: false, outcome: 'refused' });
    const table = await runCli(['history', '--client', 'gina', '--db', f.db]);
    expect(table.stdout).toMatch(/patch test, completed/);
  });

  it('S4: malformed screening answers are refused (exit 2) naming the question', async () => {
    const f = fixture();
    const bad = screening(iso(T0), 1985) as { answers: Record<string, unknown> };
    bad.answers.activeAcne = 'no';
    delete bad.answers.keloidHistory;
    const path = writeJson(f.dir, 'bad-screening.json', bad);
    const run = await runCli([
      'session',
      '--sim',
      '--db',
      f.db,
      '--client',
      'h',
      '--screening',
      path,
      '--plan',
      f.plan,
      '--at',
      iso(T0),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('activeAcne');
    expect(run.stderr).toContain('keloidHistory');
  });

  it('S16: a corrupt database file gives a clear error (exit 2) and is left untouched', async () => {
    const dir = tempDir();
    const db = join(dir, 'mnpen.db');
    writeFileSync(db, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) & 0xff)));
    const before = createHash('sha256').update(readFileSync(db)).digest('hex');
    const run = await runCli([
      'session',
      '--sim',
      '--plan',
      'examples/home-full-face.json',
      '--db',
      db,
      '--client',
      'x',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/database .*mnpen\.db/);
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before);
    expect((await runCli(['history', '--db', db])).code).toBe(2);
  });
});
