// `mnpen bench list` and `mnpen bench run`: progress, results table, record files, and exit codes 0, 1 and 2.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolveScenario } from '../../src/bench/scenarios/load-scenario.js';
import { runCli, tempDir } from '../support/cli.js';

describe('mnpen bench', () => {
  it('list names every bundled scenario, what it verifies and whether it runs yet', async () => {
    const run = await runCli(['bench', 'list', '--json']);
    expect(run.code).toBe(0);
    const entries = run.json<{ id: string; status: string; verifies: string[] }[]>();
    expect(entries.map((e) => e.id)).toEqual([
      'bench-estop',
      'contact-arm',
      'depth-accuracy-pro',
      'depth-accuracy',
      'estop-time-to-safe',
      'gauge-calibration',
      'home-cap-on-pro-pen',
      'lease-lapse-time-to-safe',
      'limiter-bypass',
      'motor-stall-fault',
      'over-depth-latch',
      'pass-limit',
      'power-cut-time-to-safe',
      'power-cut',
      'pro-credential-refusals',
      'pro-credential-unlock',
      'rate-accuracy',
      'stop-time-to-safe',
      'stroke-rate-in-session',
    ]);
    expect(entries.find((e) => e.id === 'pass-limit')).toMatchObject({
      status: 'runnable',
      verifies: ['S5', 'too many passes'],
    });
    expect(entries.every((e) => e.status === 'runnable')).toBe(true);
    expect(entries.find((e) => e.id === 'power-cut')?.status).toBe('runnable');
    const text = await runCli(['bench', 'list']);
    expect(text.stdout).toMatch(/power-cut +\[sim\] Cutting the pen's power/);
  });

  it('run prints progress per phase and repeat, a results table and figures over repeats, and writes the records', async () => {
    const dir = tempDir('mnpen-bench-cli-');
    const junit = join(dir, 'junit', 'bench.xml');
    const run = await runCli([
      'bench',
      'run',
      'contact-arm',
      'bench-estop',
      '--repeat',
      '2',
      '--out',
      join(dir, 'out'),
      '--junit',
      junit,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('bench: contact-arm repeat 2 (seed 2)');
    expect(run.stdout).toContain('  contact-arm repeat 1: phase press PASS');
    expect(run.stdout).toMatch(/^bench-estop +2\/2 +PASS +[\d.]+ +4\/4 passed$/m);
    expect(run.stdout).toMatch(/^contact-arm +press\.press_to_contact_ms +2 +\d+ ms +\d+ ms +\d+ ms$/m);
    const files = readdirSync(join(dir, 'out')).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(4);
    expect(files).toContain('report.html');
    const lines = readFileSync(join(dir, 'out', 'stream.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'run-started')).toHaveLength(4);
    expect(lines.filter((l) => l.type === 'measurement')).toHaveLength(16);
    expect(lines.at(-1)).toMatchObject({ type: 'run-ended', outcome: 'PASS' });
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites name="mnpen bench" tests="16" failures="0" errors="0"/);
  });

  it('S5: runs a controller scenario on the simulated pen: pass-limit passes with 6 passes counted', async () => {
    const dir = tempDir('mnpen-bench-cli-');
    const run = await runCli(['bench', 'run', 'pass-limit', '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  pass-limit repeat 1: phase session PASS');
    expect(run.stdout).toMatch(/^pass-limit +1\/1 +PASS/m);
  });

  it('exits 1 when a run fails, and the table names the measurement that failed', async () => {
    const dir = tempDir('mnpen-bench-cli-');
    const { scenario } = resolveScenario('power-cut');
    const broken = structuredClone(scenario) as unknown as { id: string; phases: { steps: unknown[] }[] };
    broken.id = 'power-cut-welded';
    broken.phases[1]!.steps.unshift({ do: 'inject-fault', fault: { kind: 'relay-welded' } });
    const file = join(dir, 'welded.yaml');
    writeFileSync(file, stringify(broken));
    const run = await runCli(['bench', 'run', file, '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /^power-cut-welded +1\/1 +FAIL .*time_to_unpowered_ms=none, supply_after_cut_mv=\d+ mV$/m,
    );
  });

  it.each([
    [['bench', 'run'], /name at least one SCENARIO/],
    [['bench', 'run', 'no-such'], /no bundled scenario "no-such"/],
    [
      ['bench', 'run', 'pass-limit', '--port', '/dev/mnpen-no-pen', '--fixture', 'firmata:/dev/mnpen-no-board'],
      /--port \/dev\/mnpen-no-pen: no such device/,
    ],
    [
      ['bench', 'run', 'power-cut', '--port', '/dev/ttyACM0', '--fixture', 'firmata:/dev/ttyUSB0'],
      /power-cut: it runs on target sim, not port/,
    ],
    [['bench', 'run', 'power-cut', '--fixture', 'firmata:/dev/ttyUSB0'], /needs a real pen \(--port PATH\)/],
    [['bench', 'run', 'power-cut', '--port', '/dev/ttyACM0'], /needs the real fixture board: --fixture firmata:PATH/],
    [['bench', 'run', 'power-cut', '--target', 'sim', '--port', '/dev/x'], /not both/],
    [['bench', 'run', 'power-cut', '--fixture', 'usb'], /--fixture: expected sim or firmata:PATH/],
    [['bench', 'run', 'power-cut', '--repeat', '0'], /--repeat: 0 is outside 1..1000/],
    [['bench', 'fly'], /unknown subcommand "fly"/],
  ])('exits 2 on bad input and runs nothing: %j', async (argv, message) => {
    const dir = tempDir('mnpen-bench-cli-');
    const run = await runCli([...argv, '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 2 naming the field of an invalid scenario file', async () => {
    const dir = tempDir('mnpen-bench-cli-');
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'id: bad\ntitle: bad\nverifies: {}\ntargets: [sim]\nphases:\n  - id: p\n    title: p\n    steps: [{ do: wait, ms: -5 }]\n',
    );
    const run = await runCli(['bench', 'run', file, '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: phases[0].steps[0].ms:`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
