// Turns raw benchmark runs into the JSON report (figures with spread, targets) and a readable table.
import type { CodecRun } from './children.js';
import type { DashboardRun } from './dashboard.js';
import type { DeskControllerRun } from './desk-controller.js';
import { REACTION_BOUNDARIES, type ReactionRun } from './reaction.js';
import type { SimSpeedRuns } from './sim-speed.js';
import type { SoakRun } from './soak.js';
import type { StartupRun } from './startup.js';
import { figureOf, type Figure } from './stats.js';
import type { WireFloor } from './wire.js';

export interface RawResults {
  readonly codec: readonly CodecRun[];
  readonly reaction: readonly ReactionRun[];
  readonly reactionStream: readonly ReactionRun[];
  readonly sim: readonly SimSpeedRuns[];
  readonly soak: readonly SoakRun[];
  readonly soakMinutes: number;
  readonly startupTsx: readonly StartupRun[];
  readonly startupBundle: readonly StartupRun[];
  readonly dashboard: readonly DashboardRun[];
  readonly deskController: readonly DeskControllerRun[];
  readonly wire: WireFloor;
}

/** What the dashboard figures cover (printed with them). */
export const DASHBOARD_BOUNDARIES =
  'one process runs a real ControllerSession (stream port) fed 1 kHz telemetry paced to real time, the desk server and its feed; ' +
  'Chromium draws the page. Blocks of faults alternate: attached (the feed records every frame the host receives, the page draws ' +
  'them) and detached (nothing recorded, the page idle). Reaction as reactionViaStreamUs. Page frames = the redraws the page makes ' +
  '(one per report with rows, at most one per animation frame); CPU from CDP SystemInfo.getProcessInfo, percent of one core.';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Controller mode: a scripted session as fast as possible, the desk and a page attached vs the session path alone (medians per run). */
function deskControllerFigures(runs: readonly DeskControllerRun[]) {
  if (runs.length === 0) return null;
  return {
    runs: runs.length,
    sessionsPerCondition: runs[0]?.attachedSpeedFactors.length ?? 0,
    speedFactorAttached: figureOf(runs.map((run) => median(run.attachedSpeedFactors))),
    speedFactorDetached: figureOf(runs.map((run) => median(run.detachedSpeedFactors))),
    speedRatio: figureOf(runs.map((run) => median(run.attachedSpeedFactors) / median(run.detachedSpeedFactors))),
    reportsPerVirtualSecond: figureOf(runs.map((run) => median(run.reportsPerVirtualSecond))),
  };
}

/** Dashboard figures over the runs that were not skipped; null when every run was (no Chromium). */
function dashboardFigures(runs: readonly DashboardRun[]) {
  const measured = runs.filter(
    (
      run,
    ): run is DashboardRun & {
      attached: NonNullable<DashboardRun['attached']>;
      detached: NonNullable<DashboardRun['detached']>;
      flow: NonNullable<DashboardRun['flow']>;
    } => run.skipped === null && run.attached !== null && run.detached !== null && run.flow !== null,
  );
  if (measured.length === 0) return null;
  const of = (pick: (run: (typeof measured)[number]) => number) => figureOf(measured.map(pick));
  return {
    runs: measured.length,
    faultsPerCondition: measured[0]?.attached.count ?? 0,
    reactionAttachedUs: {
      p50: of((run) => run.attached.p50),
      p99: of((run) => run.attached.p99),
      max: of((run) => run.attached.max),
    },
    reactionDetachedUs: {
      p50: of((run) => run.detached.p50),
      p99: of((run) => run.detached.p99),
      max: of((run) => run.detached.max),
    },
    reactionP99Ratio: of((run) => run.attached.p99 / run.detached.p99),
    reactionP50Ratio: of((run) => run.attached.p50 / run.detached.p50),
    telemetryFramesPerSecond: of((run) => run.flow.telemetryFramesPerSecond),
    pageFramesPerSecond: of((run) => run.flow.pageRedrawsPerSecond),
    pageRowsPerSecond: of((run) => run.flow.pageRowsPerSecond),
    pagePointsPerSecond: of((run) => run.flow.pagePointsPerSecond),
    rendererCpuPercent: of((run) => run.flow.rendererCpuPercent),
    otherChromiumCpuPercent: of((run) => run.flow.otherChromiumCpuPercent),
    nodeCpuPercent: of((run) => run.flow.nodeCpuPercent),
    flushMsP99: of((run) => run.flow.flushMs.p99),
    flushMsMax: of((run) => run.flow.flushMs.max),
    flushMsP50: of((run) => run.flow.flushMs.p50),
    flushCpuMsP99: of((run) => run.flow.flushCpuMs.p99),
  };
}

export interface TargetCheck {
  readonly figure: string;
  readonly target: string;
  readonly median: number;
  readonly met: boolean;
}

const latency = (runs: readonly ReactionRun[], boundaries: string) => ({
  p50: figureOf(runs.map((run) => run.p50)),
  p99: figureOf(runs.map((run) => run.p99)),
  max: figureOf(runs.map((run) => run.max)),
  runs: runs.length,
  faultsPerRun: runs[0]?.count ?? 0,
  telemetryHz: 1000,
  boundaries,
  /** Why the tail is what it is: windows hit by a V8 collection or an involuntary context switch, and the rest. */
  disturbances: {
    windowsWithGc: runs.reduce((sum, run) => sum + run.windowsWithGc, 0),
    windowsPreempted: runs.reduce((sum, run) => sum + run.windowsPreempted, 0),
    p99UndisturbedUs: figureOf(runs.map((run) => run.p99UndisturbedUs)),
    maxUndisturbedUs: figureOf(runs.map((run) => run.maxUndisturbedUs)),
  },
});

/** Every figure of the issue, each a median of runs with its spread, plus the extras that explain them. */
export function buildFigures(raw: RawResults) {
  const reactionUs = latency(raw.reaction, REACTION_BOUNDARIES.direct);
  const warm = raw.sim.flatMap((runs) => runs.warm);
  return {
    reactionUs,
    reactionViaStreamUs: latency(raw.reactionStream, REACTION_BOUNDARIES.stream),
    wireFrameUs: {
      ...raw.wire,
      reactionP99Ratio: figureOf(raw.reaction.map((run) => run.p99 / raw.wire.wireFrameUs)),
    },
    decodeFramesPerSec: figureOf(raw.codec.map((run) => run.decodeFramesPerSec)),
    frameReaderFramesPerSec: figureOf(raw.codec.map((run) => run.frameReaderFramesPerSec)),
    firmataFramesPerSec: figureOf(raw.codec.map((run) => run.firmataFramesPerSec)),
    decodeToFirmataRatio: figureOf(raw.codec.map((run) => run.decodeFramesPerSec / run.firmataFramesPerSec)),
    firmataBytesPerSample: raw.codec[0]?.firmataBytesPerSample ?? 0,
    simSpeedFactor: figureOf(warm.map((run) => run.simSpeedFactor)),
    simSpeedFactorCold: figureOf(raw.sim.map((runs) => runs.cold.simSpeedFactor)),
    simCpuSpeedFactor: figureOf(warm.map((run) => run.simCpuSpeedFactor)),
    simVirtualSecondsPerSession: figureOf(warm.map((run) => run.virtualMs / 1000)),
    heapGrowthMBPerHour: figureOf(raw.soak.map((run) => run.heapGrowthMBPerHour)),
    heapSlopeMBPerHour: figureOf(raw.soak.map((run) => run.heapSlopeMBPerHour)),
    soakVirtualMinutes: raw.soakMinutes,
    soakExtrapolated: raw.soakMinutes < 60,
    startupMs: figureOf(raw.startupTsx.map((run) => run.spawnToReadyMs)),
    startupBundledMs: figureOf(raw.startupBundle.map((run) => run.spawnToReadyMs)),
    startupModulesLoadedMs: figureOf(raw.startupTsx.map((run) => run.modulesLoadedMs)),
    startupBundledModulesLoadedMs: figureOf(raw.startupBundle.map((run) => run.modulesLoadedMs)),
    dashboard: dashboardFigures(raw.dashboard),
    deskController: deskControllerFigures(raw.deskController ?? []),
  };
}

export type Figures = ReturnType<typeof buildFigures>;

/** The targets, judged on the medians. */
export function checkTargets(figures: Figures): TargetCheck[] {
  const check = (figure: string, target: string, median: number, met: boolean): TargetCheck => ({
    figure,
    target,
    median,
    met,
  });
  return [
    check('reactionUs.p99', '<= 100', figures.reactionUs.p99.median, figures.reactionUs.p99.median <= 100),
    check('reactionUs.max', '<= 2000', figures.reactionUs.max.median, figures.reactionUs.max.median <= 2000),
    check(
      'decodeFramesPerSec',
      '>= 1000000',
      figures.decodeFramesPerSec.median,
      figures.decodeFramesPerSec.median >= 1e6,
    ),
    check(
      'decodeToFirmataRatio',
      '> 1 (ahead of Firmata)',
      figures.decodeToFirmataRatio.median,
      figures.decodeToFirmataRatio.median > 1,
    ),
    check('simSpeedFactor', '>= 1000', figures.simSpeedFactor.median, figures.simSpeedFactor.median >= 1000),
    check('heapGrowthMBPerHour', '<= 5', figures.heapGrowthMBPerHour.median, figures.heapGrowthMBPerHour.median <= 5),
    check('startupMs', '<= 300', figures.startupMs.median, figures.startupMs.median <= 300),
    check('startupBundledMs', '<= 300', figures.startupBundledMs.median, figures.startupBundledMs.median <= 300),
  ];
}

function dashboardRows(dashboard: Figures['dashboard']): [string, Figure, string][] {
  if (dashboard === null) return [];
  return [
    ['dashboard reaction p50, attached (us)', dashboard.reactionAttachedUs.p50, ''],
    ['dashboard reaction p50, detached (us)', dashboard.reactionDetachedUs.p50, ''],
    ['dashboard reaction p99, attached (us)', dashboard.reactionAttachedUs.p99, ''],
    ['dashboard reaction p99, detached (us)', dashboard.reactionDetachedUs.p99, ''],
    ['dashboard reaction max, attached (us)', dashboard.reactionAttachedUs.max, ''],
    ['dashboard reaction max, detached (us)', dashboard.reactionDetachedUs.max, ''],
    ['  p99 attached / detached', dashboard.reactionP99Ratio, 'same run'],
    ['dashboard telemetry in (frames/s)', dashboard.telemetryFramesPerSecond, ''],
    ['page frames per second (redraws)', dashboard.pageFramesPerSecond, ''],
    ['page points shown per second', dashboard.pagePointsPerSecond, ''],
    ['page rows shown per second', dashboard.pageRowsPerSecond, ''],
    ['renderer CPU (% of a core)', dashboard.rendererCpuPercent, ''],
    ['other Chromium CPU (% of a core)', dashboard.otherChromiumCpuPercent, ''],
    ['node: host + feed + server CPU (%)', dashboard.nodeCpuPercent, ''],
    ['dashboard flush p50 (ms, wall)', dashboard.flushMsP50, ''],
    ['dashboard flush p99 (ms, wall)', dashboard.flushMsP99, ''],
    ['dashboard flush p99 (ms, CPU)', dashboard.flushCpuMsP99, ''],
  ];
}

function deskControllerRows(desk: Figures['deskController']): [string, Figure, string][] {
  if (desk === null) return [];
  return [
    ['desk controller mode: virtual/wall, attached', desk.speedFactorAttached, 'scripted, max'],
    ['desk controller mode: virtual/wall, detached', desk.speedFactorDetached, 'same path'],
    ['  attached / detached', desk.speedRatio, 'same run'],
    ['desk reports to the page per virtual s', desk.reportsPerVirtualSecond, ''],
  ];
}

function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 100_000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 1) return value.toFixed(1);
  return value.toFixed(3);
}

const spread = (figure: Figure): string => `${formatNumber(figure.min)} .. ${formatNumber(figure.max)}`;

/** A fixed-width table: one row per figure (median, min .. max over runs, runs, target). */
export function formatTable(figures: Figures, targets: readonly TargetCheck[]): string {
  const targetOf = (name: string): string => {
    const found = targets.find((target) => target.figure === name);
    return found === undefined ? '' : `${found.target} ${found.met ? 'MET' : 'NOT MET'}`;
  };
  const rows: [string, Figure, string][] = [
    ['reactionUs.p50', figures.reactionUs.p50, ''],
    ['reactionUs.p99', figures.reactionUs.p99, targetOf('reactionUs.p99')],
    ['reactionUs.max', figures.reactionUs.max, targetOf('reactionUs.max')],
    ['  p99 of undisturbed windows', figures.reactionUs.disturbances.p99UndisturbedUs, 'diagnostic'],
    ['  max of undisturbed windows', figures.reactionUs.disturbances.maxUndisturbedUs, 'diagnostic'],
    ['reactionViaStreamUs.p50', figures.reactionViaStreamUs.p50, ''],
    ['reactionViaStreamUs.p99', figures.reactionViaStreamUs.p99, ''],
    ['reactionViaStreamUs.max', figures.reactionViaStreamUs.max, ''],
    ['wireFrameUs (115200 baud)', figureOf([figures.wireFrameUs.wireFrameUs]), 'physical floor'],
    ['reactionUs.p99 / wireFrameUs', figures.wireFrameUs.reactionP99Ratio, ''],
    ['decodeFramesPerSec', figures.decodeFramesPerSec, targetOf('decodeFramesPerSec')],
    ['frameReaderFramesPerSec', figures.frameReaderFramesPerSec, ''],
    ['firmataFramesPerSec', figures.firmataFramesPerSec, ''],
    ['decode / firmata', figures.decodeToFirmataRatio, targetOf('decodeToFirmataRatio')],
    ['simSpeedFactor (warm)', figures.simSpeedFactor, targetOf('simSpeedFactor')],
    ['simSpeedFactor (cold, 1st session)', figures.simSpeedFactorCold, ''],
    ['simCpuSpeedFactor (warm, per CPU ms)', figures.simCpuSpeedFactor, ''],
    ['heapGrowthMBPerHour', figures.heapGrowthMBPerHour, targetOf('heapGrowthMBPerHour')],
    ['heapSlopeMBPerHour', figures.heapSlopeMBPerHour, ''],
    ['startupMs (tsx, warm cache)', figures.startupMs, targetOf('startupMs')],
    ['startupBundledMs (esbuild)', figures.startupBundledMs, targetOf('startupBundledMs')],
    ...dashboardRows(figures.dashboard),
    ...deskControllerRows(figures.deskController),
  ];
  const cells = rows.map(([name, figure, target]) => [
    name,
    formatNumber(figure.median),
    spread(figure),
    String(figure.values.length),
    target,
  ]);
  const header = ['figure', 'median', 'min .. max', 'runs', 'target'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] as string).length)),
  );
  const render = (row: string[]): string =>
    row
      .map((cell, column) =>
        column === 1 || column === 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(render)].join('\n');
}
