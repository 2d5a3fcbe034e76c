// `mnpen session` end to end: exit codes, JSON summary, bad input refused with field names and nothing sent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';

describe('mnpen session (CLI)', () => {
  it('--sim --json: a completed home session prints the required fields and exits 0', async () => {
    const db = join(tempDir(), 'mnpen.db');
    const run = await runCli([
      'session',
      '--sim',
      '--plan',
      'examples/home-full-face.json',
      '--json',
      '--db',
      db,
      '--seed',
      '4',
    ]);
    expect(run.code).toBe(0);
    const summary = run.json<{
      outcome: string;
      mode: string;
      areas: Record<string, unknown>[];
      faults: unknown[];
      refusals: unknown[];
      aftercare: string[];
    }>();
    expect(summary).toMatchObject({ outcome: 'completed', mode: 'home', faults: [], refusals: [] });
    expect(summary.areas).toHaveLength(4);
    for (const area of summary.areas) {
      expect(Object.keys(area)).toEqual(
        expect.arrayContaining([
          'area',
          'depthUm',
          'passLimit',
          'passes',
          'strokes',
          'punctures',
          'maxMeasuredDepthUm',
        ]),
      );
    }
    expect(summary.aftercare.join(' ')).toMatch(/SPF 30/);
  });

  it("S9: npm start twice in a row: the second simulated run goes on from the first one's records (not CLOCK_BEHIND_RECORDS)", async () => {
    const db = join(tempDir(), 'mnpen.db');
    const argv = ['session', '--sim', '--plan', 'examples/home-full-face.json', '--json', '--db', db];
    for (let run = 0; run < 3; run++) {
      const result = await runCli(argv);
      expect(result.code, result.stdout).toBe(0);
      expect(result.json<{ outcome: string }>().outcome).toBe('completed');
    }
  });

  it('S5: --attempt-passes 8 shows the limit: every area stops at its plan passes', async () => {
    const db = join(tempDir(), 'mnpen.db');
    const run = await runCli([
      'session',
      '--sim',
      '--plan',
      'examples/home-full-face.json',
      '--attempt-passes',
      '8',
      '--json',
      '--db',
      db,
    ]);
    expect(run.code).toBe(0);
    const summary = run.json<{ areas: { passes: number; passLimit: number; locked: boolean }[] }>();
    for (const area of summary.areas) expect(area).toMatchObject({ passes: area.passLimit, locked: true });
  });

  it('S2 S8: a home plan asking 0.5 mm exits 2 naming the field and reason, and nothing is created or sent', async () => {
    const dir = tempDir();
    const run = await runCli([
      'session',
      '--sim',
      '--plan',
      'examples/home-too-deep.json',
      '--db',
      join(dir, 'mnpen.db'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('areas[0].depthMm');
    expect(run.stderr).toContain('DEPTH_ABOVE_MODE_CAP');
    expect(existsSync(join(dir, 'mnpen.db'))).toBe(false);
  });

  it('S4: the invalid example plan exits 2 listing every bad field', async () => {
    const run = await runCli(['session', '--sim', '--plan', 'examples/invalid-plan.json']);
    expect(run.code).toBe(2);
    for (const expected of [
      'areas[0].depthMm',
      'INVALID_FIELD',
      'areas[1].area',
      'UNKNOWN_AREA',
      'areas[2].passes',
      'PASSES_ABOVE_LIMIT',
      'areas[3].depthMm',
    ]) {
      expect(run.stderr).toContain(expected);
    }
  });

  it('S9: a pro plan without --credential ends refused (exit 1) with PRO_CREDENTIAL_MISSING', async () => {
    const db = join(tempDir(), 'mnpen.db');
    const run = await runCli(['session', '--sim', '--plan', 'examples/pro-acne-scars.json', '--json', '--db', db]);
    expect(run.code).toBe(1);
    expect(run.json<{ outcome: string; refusals: { reason: string }[] }>()).toMatchObject({ outcome: 'refused' });
    expect(run.json<{ refusals: { reason: string }[] }>().refusals.map((refusal) => refusal.reason)).toContain(
      'PRO_CREDENTIAL_MISSING',
    );
  });

  it('bad arguments exit 2 naming the flag; a missing plan file and non-JSON plan too', async () => {
    expect(await runCli(['session', '--plan', 'x.json'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--sim or --port'),
    });
    expect(await runCli(['session', '--sim', '--plan', 'examples/home-full-face.json', '--seed', 'abc'])).toMatchObject(
      { code: 2, stderr: expect.stringContaining('--seed') },
    );
    expect(
      await runCli(['session', '--sim', '--plan', 'examples/home-full-face.json', '--mode', 'clinic']),
    ).toMatchObject({ code: 2, stderr: expect.stringContaining('--mode') });
    expect(await runCli(['session', '--sim', '--plan', 'nope.json'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--plan nope.json'),
    });
    expect(await runCli(['session', '--sim', '--plan', '.prettierignore'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not valid JSON'),
    });
    expect(await runCli(['session', '--sim', '--plan', 'examples/home-full-face.json', '--bogus'])).toMatchObject({
      code: 2,
    });
    expect(await runCli(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
  });

  it('a port path that does not exist: a clear error and exit 1', async () => {
    const dir = tempDir();
    const run = await runCli([
      'session',
      '--port',
      '/dev/ttyMNPEN-does-not-exist',
      '--plan',
      'examples/home-full-face.json',
      '--client',
      'c-port',
      '--screening',
      'examples/screening-clear.json',
      '--db',
      join(dir, 'mnpen.db'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('cannot open serial port /dev/ttyMNPEN-does-not-exist');
  });

  it('every command has --help (exit 0)', async () => {
    for (const argv of [['--help'], ['session', '--help'], ['history', '--help'], ['help', 'session']]) {
      const run = await runCli(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage:/);
    }
  });
});
