// Dashboard cost: the host's reaction with the desk page attached versus not (same run, interleaved), and the page's frames, points and renderer CPU at 1 kHz.
import { BenchBrowser, BenchDashboard, hasChromium } from './dashboard-page.js';
import { HostHarness } from './host-harness.js';
import { timeOneFault } from './reaction.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

export interface DashboardOptions {
  /** Blocks of faults, alternating attached and detached (attached first); even. */
  readonly blocks: number;
  readonly faultsPerBlock: number;
  /** Untimed faults first, alternating too, so both conditions run on optimised code. */
  readonly warmupFaults: number;
  /** Mean real ms of 1 kHz telemetry before each fault (+-20 ms). */
  readonly telemetryMsPerFault: number;
  /** Seconds of steady 1 kHz telemetry while the page's figures and CPU are read. */
  readonly flowSeconds: number;
}

export interface DashboardRun {
  readonly skipped: string | null;
  /** Host reaction (stream port) in the attached and detached blocks, us. */
  readonly attached: LatencySummary | null;
  readonly detached: LatencySummary | null;
  readonly flow: {
    readonly seconds: number;
    readonly telemetryFramesPerSecond: number;
    /** Renderer processes' CPU, percent of one core. */
    readonly rendererCpuPercent: number;
    /** Chromium's other processes (browser, GPU, network), percent of one core. */
    readonly otherChromiumCpuPercent: number;
    /** This process (host + pen + dashboard server), percent of one core. */
    readonly nodeCpuPercent: number;
    readonly pageRedrawsPerSecond: number;
    readonly pageRowsPerSecond: number;
    readonly pagePointsPerSecond: number;
    /** Wall and CPU time of the dashboard's flushes during the flow phase, ms. */
    readonly flushMs: LatencySummary;
    readonly flushCpuMs: LatencySummary;
  } | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Paces a harness to real time: its virtual ms never runs ahead of the wall clock, so telemetry
 * flows at 1 kHz of wall time and the dashboard's timers run at their real rate.
 */
class Pacer {
  private readonly startedAtMs = performance.now();
  private readonly virtualStartMs: number;
  constructor(private readonly harness: HostHarness) {
    this.virtualStartMs = harness.virtualMs;
  }

  async tick(): Promise<void> {
    const aheadMs = this.harness.virtualMs - this.virtualStartMs - (performance.now() - this.startedAtMs);
    if (aheadMs >= 1) await sleep(Math.floor(aheadMs));
    await this.harness.telemetryTick();
  }
}

/** The feed's clock: ms since the run started (each bench session's virtual clock starts at 0; the plots need one time line). */
const runStartedAtMs = performance.now();
const runMs = (): number => Math.floor(performance.now() - runStartedAtMs);

/** Connects the dashboard's feed to the bytes the host receives: recorded after each delivery, as the desk does. */
function attach(harness: HostHarness, dashboard: BenchDashboard): void {
  const bench = harness.bench;
  const deliver = bench.deliverToHost.bind(bench);
  bench.deliverToHost = (bytes) => {
    deliver(bytes);
    dashboard.feed.record(bytes, runMs(), 'toHost');
  };
}

async function oneFault(options: DashboardOptions, index: number, dashboard: BenchDashboard, attached: boolean) {
  const harness = await HostHarness.open('stream');
  await harness.startTreating();
  if (attached) attach(harness, dashboard);
  const pacer = new Pacer(harness);
  const telemetryMs = Math.max(1, options.telemetryMsPerFault + ((index * 7) % 41) - 20);
  for (let ms = 0; ms < telemetryMs; ms++) await pacer.tick();
  const sample = await timeOneFault(harness);
  await harness.close();
  return sample.us;
}

/** Steady 1 kHz telemetry into a treating session with the page attached; reads CPU and the page's figures. */
async function measureFlow(seconds: number, dashboard: BenchDashboard, browser: BenchBrowser) {
  const harness = await HostHarness.open('stream');
  await harness.startTreating();
  attach(harness, dashboard);
  const pacer = new Pacer(harness);
  for (let ms = 0; ms < 1500; ms++) await pacer.tick();
  dashboard.flushMs.length = 0;
  dashboard.flushCpuMs.length = 0;
  const cpuBefore = await browser.cpu();
  const nodeBefore = process.cpuUsage();
  const startedAtMs = performance.now();
  const virtualStartMs = harness.virtualMs;
  const figures: Awaited<ReturnType<BenchBrowser['pageFigures']>>[] = [];
  let nextReadMs = startedAtMs + 1000;
  while (performance.now() - startedAtMs < seconds * 1000) {
    await pacer.tick();
    if (performance.now() >= nextReadMs) {
      figures.push(await browser.pageFigures());
      nextReadMs += 1000;
    }
  }
  const wallS = (performance.now() - startedAtMs) / 1000;
  const cpuAfter = await browser.cpu();
  const node = process.cpuUsage(nodeBefore);
  await harness.close();
  const medianOf = (pick: (figure: (typeof figures)[number]) => number) =>
    figures.length === 0 ? 0 : (figures.map(pick).sort((a, b) => a - b)[Math.floor(figures.length / 2)] as number);
  return {
    seconds: wallS,
    telemetryFramesPerSecond: (harness.virtualMs - virtualStartMs) / wallS,
    rendererCpuPercent: ((cpuAfter.rendererS - cpuBefore.rendererS) / wallS) * 100,
    otherChromiumCpuPercent: ((cpuAfter.otherS - cpuBefore.otherS) / wallS) * 100,
    nodeCpuPercent: ((node.user + node.system) / 1e6 / wallS) * 100,
    pageRedrawsPerSecond: medianOf((figure) => figure.redrawsPerSecond),
    pageRowsPerSecond: medianOf((figure) => figure.rowsPerSecond),
    pagePointsPerSecond: medianOf((figure) => figure.pointsPerSecond),
    flushMs: summarizeLatencies(dashboard.flushMs.length > 0 ? dashboard.flushMs : [0]),
    flushCpuMs: summarizeLatencies(dashboard.flushCpuMs.length > 0 ? dashboard.flushCpuMs : [0]),
  };
}

/**
 * One run in one process: Chromium opens the desk page, then blocks of timed faults alternate
 * between the dashboard attached (its feed records every frame the host receives, the page draws
 * them) and detached (nothing recorded, the page idle); then a steady flow phase. Skipped, with
 * the reason, when Chromium is not installed.
 */
export async function measureDashboard(options: DashboardOptions): Promise<DashboardRun> {
  if (!hasChromium()) {
    return { skipped: 'chromium not installed (apt-get install chromium)', attached: null, detached: null, flow: null };
  }
  const dashboard = await BenchDashboard.start(runMs);
  const browser = await BenchBrowser.open(dashboard.server.url);
  try {
    for (let i = 0; i < options.warmupFaults; i++) await oneFault(options, i, dashboard, i % 2 === 0);
    const attached: number[] = [];
    const detached: number[] = [];
    for (let block = 0; block < options.blocks; block++) {
      const isAttached = block % 2 === 0;
      for (let i = 0; i < options.faultsPerBlock; i++) {
        const us = await oneFault(options, block * options.faultsPerBlock + i, dashboard, isAttached);
        (isAttached ? attached : detached).push(us);
      }
    }
    const flow = await measureFlow(options.flowSeconds, dashboard, browser);
    return {
      skipped: null,
      attached: summarizeLatencies(attached),
      detached: summarizeLatencies(detached),
      flow,
    };
  } finally {
    await browser.close();
    await dashboard.close();
  }
}
