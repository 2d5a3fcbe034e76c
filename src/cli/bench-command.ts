// `mnpen bench`: list the bundled scenarios, run scenarios on the test bench with progress, a results table and records.
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BenchHand } from '../bench/executor/bench-context.js';
import type { BenchEvent } from '../bench/executor/run-scenario.js';
import type { LoadedScenario } from '../bench/scenarios/load-scenario.js';
import { integerFlag, UsageError, type CliCommand, type CommandOutput } from './command.js';

/** The bench's modules, loaded when a bench command runs (they bring yaml, johnny-five and the emulated board). */
async function benchModules() {
  const [scenarios, runnable] = await Promise.all([
    import('../bench/scenarios/load-scenario.js'),
    import('../bench/executor/runnable.js'),
  ]);
  return { ...scenarios, ...runnable };
}
type BenchModules = Awaited<ReturnType<typeof benchModules>>;

const BENCH_HELP = `mnpen bench: the hardware-in-the-loop test bench (scenarios, fixtures over Firmata, records)

Usage:
  mnpen bench list [--json]
  mnpen bench run SCENARIO... [--target sim | --port PATH] [--fixture sim | --fixture firmata:PATH]
                   [--repeat N] [--seed N] [--out DIR] [--junit FILE]

  SCENARIO               a bundled scenario's id (see: mnpen bench list) or a .yaml/.yml/.json file
  --target sim           the simulated pen in virtual time (default)
  --port PATH            a real pen on a serial port (with --fixture firmata:PATH); steps a person
                         does (gauge blocks, the e-stop button) are asked for on the terminal
  --fixture sim          the emulated StandardFirmata fixture board wired to the simulated pen (default)
  --fixture firmata:PATH a real fixture board (StandardFirmata) on PATH, for a real pen (--port)
  --repeat N             runs per scenario (default: the scenario's own repeat)
  --seed N               seed of the first run of a scenario that names none (default 1)
  --out DIR              where records go (default bench-results/<time>): stream.jsonl while it
                         runs, RUN_ID.json per run, report.html
  --junit FILE           also write JUnit XML (one test case per phase)

Exit codes: 0 every run passed, 1 a run failed (FAIL, ERROR, TIMEOUT or ABORTED), 2 bad input
(an invalid scenario names its field; a scenario that cannot run here says why; nothing runs).
See docs/bench.md.
`;

interface BenchRunArgs {
  readonly scenarios: readonly string[];
  readonly port: string | undefined;
  readonly fixturePath: string | undefined;
  readonly repeat: number | undefined;
  readonly seed: number;
  readonly outDir: string;
  readonly junitFile: string | undefined;
}

function parseRunArgs(argv: readonly string[]): BenchRunArgs | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        port: { type: 'string' },
        fixture: { type: 'string' },
        repeat: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return null;
  if (positionals.length === 0) throw new UsageError('bench run: name at least one SCENARIO (see: mnpen bench list)');
  if (values.target !== undefined && values.target !== 'sim')
    throw new UsageError(`--target: expected sim, got "${values.target}" (a real pen: --port PATH)`);
  if (values.target !== undefined && values.port !== undefined)
    throw new UsageError('give --target sim or --port PATH, not both');
  if (values.port !== undefined && values.port.length === 0) throw new UsageError('--port: expected a path');
  const fixture = values.fixture ?? (values.port === undefined ? 'sim' : undefined);
  let fixturePath: string | undefined;
  if (fixture === undefined) throw new UsageError('--port PATH needs the real fixture board: --fixture firmata:PATH');
  if (fixture.startsWith('firmata:') && fixture.length > 'firmata:'.length)
    fixturePath = fixture.slice('firmata:'.length);
  else if (fixture !== 'sim') throw new UsageError(`--fixture: expected sim or firmata:PATH, got "${fixture}"`);
  if (fixturePath === undefined && values.port !== undefined)
    throw new UsageError(
      '--fixture sim is the emulated board of the simulated pen: with --port PATH use --fixture firmata:PATH',
    );
  if (fixturePath !== undefined && values.port === undefined)
    throw new UsageError('--fixture firmata:PATH is a real bench: it needs a real pen (--port PATH)');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return {
    scenarios: positionals,
    port: values.port,
    fixturePath,
    repeat: integerFlag('repeat', values.repeat, 1, 1000),
    seed: integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1,
    outDir: values.out ?? join('bench-results', stamp),
    junitFile: values.junit,
  };
}

/** A person at a real bench: each hand step is asked for on stdout and confirmed with Enter on stdin. */
function promptingHand(out: CommandOutput): BenchHand {
  const ask = async (what: string): Promise<void> => {
    out.stdout(`bench: ${what}, then press Enter`);
    const rl = createInterface({ input: process.stdin });
    await new Promise<void>((resolve) => rl.once('line', () => resolve()));
    rl.close();
  };
  return {
    placeBlock: (thicknessUm) => ask(`place the ${thicknessUm} um block under the gauge plunger`),
    removeBlock: () => ask('remove the block from under the gauge plunger'),
    pressEstop: () => ask('press the bench e-stop button (keep it pressed)'),
    releaseEstop: () => ask('release the bench e-stop button'),
  };
}

/** A scenario file or id; a bad one is bad input (exit 2). */
function load(bench: BenchModules, argument: string): LoadedScenario {
  try {
    return bench.resolveScenario(argument);
  } catch (error) {
    if (error instanceof bench.ScenarioError) throw new UsageError(error.message);
    throw error;
  }
}

/** One progress line per run start, phase end and run end (no colour: CI reads them). */
function progressLine(event: BenchEvent, repeatOf: Map<string, string>): string | null {
  switch (event.type) {
    case 'run-started': {
      const label = `${event.scenario} repeat ${event.repeat}`;
      repeatOf.set(event.runId, label);
      return `bench: ${label} (seed ${event.seed})`;
    }
    case 'phase-ended':
      return `  ${repeatOf.get(event.runId) ?? event.runId}: phase ${event.phase} ${event.outcome}${event.error === null ? '' : `: ${event.error}`}`;
    case 'run-ended':
      return `  ${repeatOf.get(event.runId) ?? event.runId}: ${event.outcome}`;
    default:
      return null;
  }
}

async function runCommand(args: BenchRunArgs, out: CommandOutput): Promise<number> {
  const bench = await benchModules();
  const loaded = args.scenarios.map((argument) => load(bench, argument));
  const target = args.port === undefined ? 'sim' : 'port';
  const blocked = loaded.flatMap((entry) =>
    bench
      .notRunnableReasons(entry.scenario, { target, controller: true })
      .map((reason) => `${entry.scenario.id}: ${reason}`),
  );
  if (blocked.length > 0) throw new UsageError(`not runnable here (nothing was run):\n  ${blocked.join('\n  ')}`);
  for (const [flag, path] of [
    ['--port', args.port],
    ['--fixture firmata:', args.fixturePath],
  ] as const) {
    if (path !== undefined && !existsSync(path))
      throw new UsageError(`${flag}${flag.endsWith(':') ? '' : ' '}${path}: no such device (nothing was run)`);
  }
  const benches = await import('../wiring/bench-benches.js');
  const penPath = args.port;
  const boardPath = args.fixturePath;
  const openBench =
    penPath === undefined || boardPath === undefined
      ? benches.openControllerSimBench
      : (scenario: Parameters<typeof benches.openPortBench>[0]) =>
          benches.openPortBench(scenario, { penPath, boardPath, hand: promptingHand(out) });
  const [{ runBench }, { RunOutput }, { resultsTable, measurementFigures, textTable }, { formatValue }] =
    await Promise.all([
      import('../bench/run-bench.js'),
      import('../bench/records/run-output.js'),
      import('../bench/records/summary.js'),
      import('../bench/records/format.js'),
    ]);
  const output = new RunOutput(args.outDir);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const labels = new Map<string, string>();
  let records;
  try {
    records = await runBench({
      scenarios: loaded,
      seed: args.seed,
      ...(args.repeat === undefined ? {} : { repeat: args.repeat }),
      signal: controller.signal,
      openBench,
      onEvent: (event) => {
        output.event(event);
        const line = progressLine(event, labels);
        if (line !== null) out.stdout(line);
      },
      onRecord: (record) => output.record(record),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  output.finish(records, args.junitFile);
  out.stdout('');
  out.stdout(resultsTable(records));
  const figures = measurementFigures(records).filter((f) => f.count > 1);
  if (figures.length > 0) {
    out.stdout('');
    out.stdout(
      textTable(
        ['scenario', 'measurement', 'n', 'median', 'p99', 'max'],
        figures.map((f) => [
          f.scenario,
          `${f.phase}.${f.name}`,
          String(f.count),
          formatValue(f.median, f.units),
          formatValue(f.p99, f.units),
          formatValue(f.max, f.units),
        ]),
      ),
    );
  }
  out.stdout('');
  out.stdout(
    `records: ${output.dir} (stream.jsonl, ${records.length} run record(s), report.html)${args.junitFile === undefined ? '' : `; JUnit: ${args.junitFile}`}`,
  );
  return records.length > 0 && records.every((record) => record.outcome === 'PASS') ? 0 : 1;
}

async function listCommand(argv: readonly string[], out: CommandOutput): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.find((arg) => arg !== '--json');
  if (unknown !== undefined) throw new UsageError(`bench list: unexpected argument "${unknown}"`);
  const bench = await benchModules();
  const entries = bench.libraryFiles().map((file) => {
    try {
      const { scenario } = bench.loadScenarioFile(file);
      const runnable = bench.notRunnableReasons(scenario, { target: 'sim', controller: true }).length === 0;
      return {
        id: scenario.id,
        title: scenario.title,
        targets: scenario.targets,
        verifies: [...scenario.verifies.invariants, ...scenario.verifies.hazards],
        status: runnable ? 'runnable' : 'real bench only (--port PATH --fixture firmata:PATH)',
        file: basename(file),
      };
    } catch (error) {
      if (error instanceof bench.ScenarioError) throw new UsageError(error.message);
      throw error;
    }
  });
  if (json) {
    out.stdout(JSON.stringify(entries, null, 2));
    return 0;
  }
  const width = Math.max(...entries.map((e) => e.id.length));
  for (const entry of entries) {
    out.stdout(`${entry.id.padEnd(width)}  [${entry.targets.join(', ')}] ${entry.title}`);
    out.stdout(`${''.padEnd(width)}  verifies: ${entry.verifies.join(', ') || 'bench self-check'}; ${entry.status}`);
  }
  return 0;
}

export const benchCommand: CliCommand = {
  name: 'bench',
  synopsis: 'bench list | bench run SCENARIO...',
  summary: 'the hardware-in-the-loop test bench: scenarios, fixtures over Firmata, records',
  help: BENCH_HELP,
  async run(argv, out) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      out.stdout(BENCH_HELP);
      return 0;
    }
    if (sub === 'list') return listCommand(rest, out);
    if (sub === 'run') {
      const args = parseRunArgs(rest);
      if (args === null) {
        out.stdout(BENCH_HELP);
        return 0;
      }
      return runCommand(args, out);
    }
    throw new UsageError(`bench: unknown subcommand "${sub}" (list or run)`);
  },
};
