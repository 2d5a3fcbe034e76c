// The report: figures are medians of runs, targets judged on them, the table names every figure.
import { describe, expect, it } from 'vitest';
import { buildFigures, checkTargets, formatTable, type RawResults } from './report.js';
import type { ReactionRun } from './reaction.js';
import { runSoak } from './soak.js';
import { wireFloor } from './wire.js';

const reaction = (p99: number, max: number): ReactionRun => ({
  p50: 20,
  p99,
  max,
  count: 10_000,
  telemetryFrames: 500_000,
  windowsWithGc: 1,
  windowsPreempted: 2,
  p99UndisturbedUs: p99 - 10,
  maxUndisturbedUs: max / 2,
  wallMs: 1,
});

const session = (factor: number) => ({
  simSpeedFactor: factor,
  simCpuSpeedFactor: factor * 1.1,
  virtualMs: 150_000,
  wallMs: 150_000 / factor,
  passes: 36,
  areas: 6,
});
const startup = (ms: number) => ({ spawnToReadyMs: ms, childReportedMs: ms - 5, modulesLoadedMs: ms - 30 });

const latencies = (p50: number, p99: number) => ({ p50, p99, max: p99 * 2, count: 500 });
const skippedDashboard = { skipped: 'chromium not installed', attached: null, detached: null, flow: null };
const dashboardRun = (attachedP50: number, attachedP99: number, detachedP50: number, detachedP99: number) => ({
  skipped: null,
  attached: latencies(attachedP50, attachedP99),
  detached: latencies(detachedP50, detachedP99),
  flow: {
    seconds: 10,
    telemetryFramesPerSecond: 990,
    rendererCpuPercent: 25,
    otherChromiumCpuPercent: 6,
    nodeCpuPercent: 15,
    pageRedrawsPerSecond: 19,
    pageRowsPerSecond: 190,
    pagePointsPerSecond: 1140,
    flushMs: latencies(0.3, 1.2),
    flushCpuMs: latencies(0.3, 0.9),
  },
});

const raw: RawResults = {
  codec: [1.2e6, 0.9e6, 1.1e6].map((decode) => ({
    decodeFramesPerSec: decode,
    frameReaderFramesPerSec: decode * 0.9,
    firmataFramesPerSec: 5e5,
    firmataBytesPerSample: 49,
  })),
  reaction: [reaction(90, 1500), reaction(120, 2500), reaction(95, 1800)],
  reactionStream: [reaction(130, 3000)],
  sim: [{ cold: session(200), warm: [session(900), session(1100), session(1000)] }],
  soak: [2, 6, 4].map((growth) => ({
    heapGrowthMBPerHour: growth,
    heapSlopeMBPerHour: growth,
    baselineHeapMB: 10,
    finalHeapMB: 10 + growth,
    telemetryFrames: 3_600_000,
    penCommands: 72_000,
    virtualMinutes: 63,
    wallMs: 1,
  })),
  soakMinutes: 60,
  startupTsx: [startup(420), startup(400), startup(410)],
  startupBundle: [startup(190), startup(180), startup(185)],
  dashboard: [dashboardRun(100, 400, 120, 300), dashboardRun(110, 900, 100, 450), skippedDashboard],
  deskController: [
    {
      attachedSpeedFactors: [80, 90, 70],
      detachedSpeedFactors: [100, 100, 90],
      reportsPerSession: [150, 140, 160],
      reportsPerVirtualSecond: [2, 2, 2],
    },
  ],
  wire: wireFloor(),
};

describe('desk controller-mode figures', () => {
  it('compare the medians of attached and detached sessions of the same run', () => {
    const { deskController } = buildFigures(raw);
    expect(deskController?.speedFactorAttached.median).toBe(80);
    expect(deskController?.speedFactorDetached.median).toBe(100);
    expect(deskController?.speedRatio.median).toBe(0.8);
    expect(formatTable(buildFigures(raw), [])).toContain('desk controller mode: virtual/wall, attached');
  });
});

describe('dashboard figures', () => {
  it('compare attached and detached in the same run, over the runs that were not skipped', () => {
    const { dashboard } = buildFigures(raw);
    expect(dashboard?.runs).toBe(2);
    expect(dashboard?.reactionP99Ratio.values).toEqual([400 / 300, 900 / 450]);
    expect(dashboard?.pagePointsPerSecond.median).toBe(1140);
  });

  it('are null when every run was skipped (no Chromium), and the table has no dashboard rows', () => {
    const figures = buildFigures({ ...raw, dashboard: [skippedDashboard] });
    expect(figures.dashboard).toBeNull();
    expect(formatTable(figures, checkTargets(figures))).not.toContain('dashboard');
  });
});

describe('buildFigures and checkTargets', () => {
  it('takes medians of the per-run values and judges each target on them', () => {
    const figures = buildFigures(raw);
    expect(figures.reactionUs.p99).toMatchObject({ median: 95, min: 90, max: 120 });
    expect(figures.reactionUs.disturbances).toMatchObject({ windowsWithGc: 3, windowsPreempted: 6 });
    expect(figures.decodeFramesPerSec.median).toBe(1.1e6);
    expect(figures.decodeToFirmataRatio.median).toBeCloseTo(2.2, 10);
    expect(figures.simSpeedFactor.median).toBe(1000);
    expect(figures.simSpeedFactorCold.median).toBe(200);
    expect(figures.simCpuSpeedFactor.median).toBeCloseTo(1100, 6);
    expect(figures.heapGrowthMBPerHour.median).toBe(4);
    expect(figures.wireFrameUs.reactionP99Ratio.median).toBeCloseTo(95 / 3298.611, 6);
    const verdicts = Object.fromEntries(checkTargets(figures).map((check) => [check.figure, check.met]));
    expect(verdicts).toEqual({
      'reactionUs.p99': true,
      'reactionUs.max': true,
      decodeFramesPerSec: true,
      decodeToFirmataRatio: true,
      simSpeedFactor: true,
      heapGrowthMBPerHour: true,
      startupMs: false,
      startupBundledMs: true,
    });
  });

  it('prints one row per figure with its verdict', () => {
    const figures = buildFigures(raw);
    const table = formatTable(figures, checkTargets(figures));
    expect(table).toContain('reactionUs.p99');
    expect(table).toMatch(/startupMs \(tsx, warm cache\)\s+410\s+400 \.\. 420\s+3\s+<= 300 NOT MET/);
    expect(table.split('\n')).toHaveLength(2 + 21 + 17 + 4);
    expect(table).toMatch(/p99 attached \/ detached\s+1.7\s+1.3 \.\. 2.0\s+2\s+same run/);
  });
});

describe('runSoak', () => {
  it('refuses to measure without --expose-gc instead of reporting a heap without collection', async () => {
    await expect(runSoak({ warmupMinutes: 0, soakMinutes: 1 })).rejects.toThrow('--expose-gc');
  });
});
