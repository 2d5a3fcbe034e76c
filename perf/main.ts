// `npm run perf`: runs every benchmark in child processes, prints a table (or --json) and writes perf/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform } from 'node:os';
import { buildDesktopPage, runChild, runChildrenInSequence, type CodecRun } from './children.js';
import type { DashboardRun } from './dashboard.js';
import type { DeskControllerRun } from './desk-controller.js';
import { formatPenSafety, type PenSafetyRun } from './pen-safety.js';
import { formatRecordsFleet, runRecordsFleetChild } from './records-fleet.js';
import type { ReactionOptions, ReactionRun } from './reaction.js';
import { DASHBOARD_BOUNDARIES, buildFigures, checkTargets, formatTable } from './report.js';
import type { SimSpeedRuns } from './sim-speed.js';
import type { SoakRun } from './soak.js';
import { RESULTS_DIR, buildStartupBundle, measureStartup } from './startup.js';
import { wireFloor } from './wire.js';

/** Sizes of one benchmark pass. `quick` only shows that everything works (CI, under 30 s). */
const PLANS = {
  quick: {
    codec: { runs: 5, durationMs: 120 },
    reaction: { children: 2, faults: 300, warmupFaults: 100, telemetryMsPerFault: 50 },
    reactionStream: { children: 1, faults: 150, warmupFaults: 50, telemetryMsPerFault: 50 },
    sim: { children: 1, warmSessions: 2 },
    soak: { children: 1, warmupMinutes: 1, soakMinutes: 1 },
    startupRuns: 3,
    dashboard: {
      children: 1,
      blocks: 2,
      faultsPerBlock: 20,
      warmupFaults: 10,
      telemetryMsPerFault: 50,
      flowSeconds: 2,
    },
    deskController: { children: 1, pairs: 1 },
  },
  full: {
    codec: { runs: 7, durationMs: 700 },
    reaction: { children: 5, faults: 10_000, warmupFaults: 500, telemetryMsPerFault: 50 },
    reactionStream: { children: 3, faults: 2_000, warmupFaults: 200, telemetryMsPerFault: 50 },
    sim: { children: 3, warmSessions: 5 },
    soak: { children: 3, warmupMinutes: 3, soakMinutes: 60 },
    startupRuns: 7,
    dashboard: {
      children: 2,
      blocks: 10,
      faultsPerBlock: 100,
      warmupFaults: 100,
      telemetryMsPerFault: 50,
      flowSeconds: 10,
    },
    deskController: { children: 3, pairs: 4 },
  },
} as const;

type Mode = keyof typeof PLANS;

const USAGE = `usage: npm run perf -- [--quick] [--json]
  --quick  small sizes: shows the benchmarks work (CI), finishes in under 30 s
  --json   print the JSON report on stdout instead of the table (it is always written to perf/results/latest.json)`;

const progress = (text: string): void => void process.stderr.write(`[perf] ${text}\n`);

function reactionChildren(plan: { children: number } & Omit<ReactionOptions, 'kind'>, kind: ReactionOptions['kind']) {
  const { children, ...options } = plan;
  return runChildrenInSequence(children, (index) => {
    progress(`reaction over ${kind} port: run ${index + 1}/${children} (${options.faults} faults)`);
    return runChild<ReactionRun>('reaction', { ...options, kind });
  });
}

async function runAll(mode: Mode) {
  const plan = PLANS[mode];
  progress('codec and Firmata decode');
  const codec = await runChild<CodecRun[]>('codec', plan.codec);
  const reaction = await reactionChildren(plan.reaction, 'direct');
  const reactionStream = await reactionChildren(plan.reactionStream, 'stream');
  const sim = await runChildrenInSequence(plan.sim.children, (index) => {
    progress(`simulated professional session: run ${index + 1}/${plan.sim.children}`);
    return runChild<SimSpeedRuns>('sim', { warmSessions: plan.sim.warmSessions, seed: 1 + index * 100 });
  });
  const { children: dashboardChildren, ...dashboardOptions } = plan.dashboard;
  buildDesktopPage();
  const dashboard = await runChildrenInSequence(dashboardChildren, (index) => {
    progress(`dashboard attached vs detached, real time, Chromium: run ${index + 1}/${dashboardChildren}`);
    return runChild<DashboardRun>('dashboard', dashboardOptions);
  });
  const deskController = await runChildrenInSequence(plan.deskController.children, (index) => {
    progress(
      `desk controller mode attached vs detached, as fast as possible: run ${index + 1}/${plan.deskController.children}`,
    );
    return runChild<DeskControllerRun>('deskController', { pairs: plan.deskController.pairs });
  });
  progress('pen safety: STOP races, lease, realtime flood, limiter, tick allocation');
  const pen = await runChild<PenSafetyRun>('pen', {}, { exposeGc: true });
  progress('startup (tsx, then esbuild bundle)');
  const startupTsx = await measureStartup('tsx', plan.startupRuns);
  await buildStartupBundle();
  const startupBundle = await measureStartup('bundle', plan.startupRuns);
  const { children, ...soakOptions } = plan.soak;
  progress(
    `heap soak: ${children} process(es) in parallel, ${soakOptions.warmupMinutes} + ${soakOptions.soakMinutes} virtual min at 1 kHz`,
  );
  const soak = await Promise.all(
    Array.from({ length: children }, () => runChild<SoakRun>('soak', soakOptions, { exposeGc: true })),
  );
  progress('records: pass reservations on SQLite and PostgreSQL, then stations on one PostgreSQL');
  const recordsFleet = await runRecordsFleetChild(mode);
  return {
    recordsFleet,
    codec,
    reaction,
    reactionStream,
    sim,
    soak,
    soakMinutes: soakOptions.soakMinutes,
    startupTsx,
    startupBundle,
    dashboard,
    deskController,
    wire: wireFloor(),
    pen,
  };
}

function machine() {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    platform: platform(),
    loadAverage: loadavg(),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((arg) => arg !== '--quick' && arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const mode: Mode = argv.includes('--quick') ? 'quick' : 'full';
  const startedAt = new Date();
  const machineAtStart = machine();
  const raw = await runAll(mode);
  const figures = buildFigures(raw);
  const targets = checkTargets(figures);
  const report = {
    schema: 'mnpen-bench/1',
    mode,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    machine: { ...machineAtStart, loadAverageAtEnd: loadavg() },
    figures,
    penSafety: raw.pen,
    recordsFleet: raw.recordsFleet,
    targets,
    notes: [
      'Every figure: median of the per-run values, with min, max and quartiles; runs are separate processes except codec runs and warm sim sessions.',
      `wireFrameUs: 1 kHz telemetry needs ${raw.wire.baudNeededFor1kHz} bit/s; 115200 baud carries at most ${raw.wire.maxTelemetryHz} telemetry frames/s.`,
      raw.soakMinutes < 60
        ? `heapGrowthMBPerHour extrapolated from ${raw.soakMinutes} virtual min (quick mode): indicative only.`
        : 'heapGrowthMBPerHour: one full virtual hour per run.',
      'startupMs: node --import tsx (as bin/mnpen.js runs), compile cache warm; startupBundledMs: the same probe precompiled by esbuild.',
    ],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const m = report.machine;
    process.stdout.write(
      `mnpen benchmarks (${mode}) on ${m.cpuModel}, ${m.cores} cores, node ${m.node}; load ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}; ${(report.durationMs / 1000).toFixed(1)} s\n\n` +
        `${formatTable(figures, targets)}\n\n${formatPenSafety(raw.pen)}\n\n${formatRecordsFleet(raw.recordsFleet)}\n\n${report.notes.map((note) => `- ${note}`).join('\n')}\n` +
        `- reaction interval: ${figures.reactionUs.boundaries}\n` +
        `- reaction windows disturbed: ${figures.reactionUs.disturbances.windowsWithGc} by a GC, ${figures.reactionUs.disturbances.windowsPreempted} by a context switch (of ${figures.reactionUs.runs * figures.reactionUs.faultsPerRun}); "undisturbed" rows exclude them.\n` +
        `- dashboard: ${figures.dashboard === null ? raw.dashboard[0]?.skipped : DASHBOARD_BOUNDARIES}\n` +
        `\nJSON: perf/results/latest.json\n`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
