// npm run soak: the crash harness's full 100-trial run, the fuzz run and 1,000 power-loss trials, with their figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fuzzLines, parseFuzzArgs } from './fuzz.js';
import { addFoundCases } from './fuzz/found-cases.js';
import { runFuzz } from './fuzz/fuzzer.js';
import { runPowerLoss } from './power-loss.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Options: --crash-trials N (100), --power-trials N (1000), --fuzz-count N (10 M) or --fuzz-seconds S. */
export function parseSoakArgs(args: readonly string[]): {
  crashTrials: number;
  powerTrials: number;
  fuzz: string[];
} {
  const options = { crashTrials: 100, powerTrials: 1000, fuzz: [] as string[] };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!(Number.isInteger(value) && value > 0)) throw new Error(`${args[i]} needs a positive integer`);
    if (args[i] === '--crash-trials') options.crashTrials = value;
    else if (args[i] === '--power-trials') options.powerTrials = value;
    else if (args[i] === '--fuzz-count') options.fuzz.push('--count', String(value));
    else if (args[i] === '--fuzz-seconds') options.fuzz.push('--seconds', String(value));
    else throw new Error(`unknown option ${args[i]}`);
  }
  return options;
}

/** Runs the crash harness test file with its full trial count; returns its summary lines and whether it passed. */
function crashHarness(trials: number): { passed: boolean; lines: string[] } {
  const run = spawnSync('npx', ['vitest', 'run', 'src/store/crash-harness.test.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      MNPEN_CRASH_TRIALS: String(trials),
      MNPEN_CRASH_WAL_TRIALS: String(Math.ceil(trials / 4)),
    },
    encoding: 'utf8',
  });
  // NOTE: vitest colours its output; the summary lines are matched with the escapes removed.
  const output = `${run.stdout}\n${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = output.split('\n').filter((line) => /^(crash harness:|-wal deleted after a kill:)/.test(line.trim()));
  return { passed: run.status === 0, lines: lines.map((line) => line.trim()) };
}

async function main(): Promise<void> {
  const options = parseSoakArgs(process.argv.slice(2));
  const startMs = performance.now();
  console.log(
    `soak 1/3: crash harness, ${options.crashTrials} SIGKILL trials on SQLite and on PostgreSQL (src/store/crash-harness.test.ts)`,
  );
  const crash = crashHarness(options.crashTrials);
  for (const line of crash.lines) console.log(`  ${line}`);
  console.log(`  ${crash.passed ? 'passed' : 'FAILED'}`);

  console.log('soak 2/3: fuzz');
  const fuzzOptions = parseFuzzArgs(options.fuzz);
  const report = await runFuzz(fuzzOptions);
  const added = addFoundCases(report.found);
  for (const line of fuzzLines(report, added)) console.log(`  ${line}`);

  console.log(`soak 3/3: power loss, ${options.powerTrials} copies of the records taken while a child writes passes`);
  const power = await runPowerLoss({ trials: options.powerTrials, seed: 0x9041, copiesPerWriter: 50 });
  const refused = Object.entries(power.refused).map(([code, n]) => `${n} refused ${code}`);
  console.log(
    `  power loss: ${power.trials} trials in ${(power.wallMs / 1000).toFixed(1)} s: ${power.openedComplete} opened with every ` +
      `acknowledged pass and nothing invented, ${refused.length === 0 ? '0 refused' : refused.join(', ')}, ` +
      `${power.beforeFile} before the file existed; ${power.acknowledgedPassesChecked} acknowledged passes checked, ` +
      `${power.violations.length} violations`,
  );
  for (const violation of power.violations.slice(0, 20)) console.log(`  VIOLATION ${violation}`);
  const ok = crash.passed && report.crashes.length === 0 && power.violations.length === 0;
  console.log(`soak: ${ok ? 'all passed' : 'FAILED'} in ${((performance.now() - startMs) / 1000).toFixed(0)} s`);
  if (!ok) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
