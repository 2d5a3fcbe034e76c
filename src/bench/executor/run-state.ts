// One run's moving parts: bench time passing under deadlines, series sampling, sources, e-stop watch and abort.
import { OVER_DEPTH_MARGIN_UM } from '../../limits/index.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { SOURCES, type SourceName } from '../scenarios/sources.js';
import type { BenchRecord, SeriesRecord } from '../records/record-schema.js';
import type { BenchContext } from './bench-context.js';
import type { DeviceUnderTest } from './bench-target.js';

/** A reading: number, boolean, text, or null when there is none yet. */
export type Reading = number | boolean | string | null;

/** A phase or the whole scenario ran past its timeout. */
export class BenchTimeoutError extends Error {
  override readonly name = 'BenchTimeoutError';
}

/** The run was aborted: the bench e-stop pressed when no step expected it, or the operator interrupted. */
export class BenchAbortError extends Error {
  override readonly name = 'BenchAbortError';
}

/** One point of a sweep: what was commanded, what the instrument read (mean), and the difference. */
export interface SweepPoint {
  readonly commanded: number;
  readonly measured: number;
  readonly error: number;
}

/** Something the bench cannot do (a programming error or a missing capability). */
export class BenchSetupError extends Error {
  override readonly name = 'BenchSetupError';
}

export class RunState {
  readonly events: BenchRecord['events'] = [];
  readonly series: SeriesRecord[];
  private readonly nextSampleMs: number[];
  private deadlineMs = Infinity;
  private deadlineLabel = '';
  private scenarioDeadlineMs = Infinity;
  private abortReason: string | null = null;
  /** True while the running phase has a press-estop step (an e-stop press there is expected). */
  estopExpected = false;
  estopSignals = 0;
  /** True while a gauge block is placed: the gauge reads the block, so depth series record no point. */
  blockOnGauge = false;
  /** Set for the teardown: it makes the bench safe whatever ended the run. */
  ignoreAbort = false;
  /** The device as the controller's connect step found it (the record names it), null before. */
  connectedDevice: DeviceUnderTest | null = null;
  /** Answer to the last direct command (the `direct.answer` source). */
  lastDirectAnswer: string | null = null;
  /** Times of elapsedUntil measurements taken together, waiting for their measure steps (ms, null: never). */
  readonly elapsedTimes = new Map<string, number | null>();
  /** The last depth and stroke-rate sweeps (the `sweep.*` sources). */
  depthSweep: readonly SweepPoint[] | null = null;
  rateSweep: readonly SweepPoint[] | null = null;
  /** Work done at every ms of bench time while it passes (the hand of a running session). */
  private readonly tickers = new Set<(nowMs: number) => void>();

  constructor(
    readonly ctx: BenchContext,
    readonly scenario: Scenario,
    signal: AbortSignal | undefined,
    /** The scenario's file (its folder resolves the document paths), null for one built in memory. */
    readonly scenarioFile: string | null = null,
  ) {
    this.series = scenario.series.map((entry) => ({
      name: entry.name,
      source: entry.source,
      units: SOURCES[entry.source].units,
      everyMs: entry.everyMs,
      capUm: entry.showDepthCap ? ctx.depthCapUm : null,
      faultThresholdUm: entry.showDepthCap ? ctx.depthCapUm + OVER_DEPTH_MARGIN_UM : null,
      points: [],
    }));
    this.nextSampleMs = scenario.series.map(() => ctx.clock.nowMs());
    this.signal = signal;
    signal?.addEventListener('abort', this.onAbortSignal, { once: true });
    if (signal?.aborted) this.abort('interrupted by the operator');
  }

  private readonly signal: AbortSignal | undefined;
  private readonly onAbortSignal = (): void => this.abort('interrupted by the operator');

  /** Stops listening to the run's abort signal (the run is over). */
  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbortSignal);
    this.tickers.clear();
  }

  nowMs(): number {
    return this.ctx.clock.nowMs();
  }

  /** Starts the scenario's overall deadline. */
  startScenarioClock(timeoutMs: number): void {
    this.scenarioDeadlineMs = this.nowMs() + timeoutMs;
  }

  /** Sets the running phase's deadline (the scenario's deadline still applies). */
  setPhaseDeadline(label: string, timeoutMs: number): void {
    this.deadlineLabel = label;
    this.deadlineMs = this.nowMs() + timeoutMs;
  }

  /** Aborts the run at the next moment bench time passes (idempotent: the first reason stays). */
  abort(reason: string): void {
    this.abortReason ??= reason;
  }

  get abortedBecause(): string | null {
    return this.abortReason;
  }

  note(event: string, detail?: string): void {
    this.events.push({ atMs: this.nowMs(), event, ...(detail === undefined ? {} : { detail }) });
  }

  /** The bench e-stop changed: counted, mapped to ESTOP on the controller when there is one; unexpected, it aborts. */
  onEstop(pressed: boolean): void {
    this.note(pressed ? 'estop-pressed' : 'estop-released');
    if (!pressed) return;
    this.estopSignals++;
    this.ctx.target?.command('estop');
    if (!this.estopExpected) this.abort('bench e-stop pressed');
  }

  /**
   * Lets bench time pass until `until()` holds or `maxMs` elapse; resolves whether it held. Samples
   * the series on the way. Throws BenchAbortError when aborted, BenchTimeoutError past a deadline.
   */
  async pass(until: () => boolean, maxMs: number): Promise<boolean> {
    this.checkAbort();
    const deadlineMs = Math.min(this.deadlineMs, this.scenarioDeadlineMs);
    let held = false;
    let timedOut = false;
    const budgetMs = Math.max(0, Math.min(maxMs, deadlineMs - this.nowMs()));
    await this.ctx.clock.waitFor(() => {
      this.sampleSeries();
      const nowMs = this.nowMs();
      for (const ticker of this.tickers) ticker(nowMs);
      if (this.abortReason !== null && !this.ignoreAbort) return true;
      held = until();
      return held;
    }, budgetMs);
    this.checkAbort();
    if (!held && this.nowMs() >= deadlineMs && maxMs > budgetMs) timedOut = true;
    if (timedOut) {
      const which = deadlineMs === this.scenarioDeadlineMs ? `scenario ${this.scenario.id}` : this.deadlineLabel;
      throw new BenchTimeoutError(`${which} ran past its timeout`);
    }
    return held;
  }

  /** Adds work done at every ms of bench time; returns its removal. */
  addTicker(ticker: (nowMs: number) => void): () => void {
    this.tickers.add(ticker);
    return () => this.tickers.delete(ticker);
  }

  /** Ends all background work (the teardown's first act). */
  clearTickers(): void {
    this.tickers.clear();
  }

  /**
   * Lets bench time pass until `promise` settles, at most `maxMs`; resolves with its value or
   * throws its rejection. Throws Error when it did not settle in time.
   */
  async settle<T>(promise: Promise<T>, maxMs: number, what: string): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const held = await this.pass(() => settled, maxMs);
    if (!held) throw new Error(`${what}: no answer within ${maxMs} ms`);
    return promise;
  }

  /** Lets `ms` of bench time pass. */
  async wait(ms: number): Promise<void> {
    await this.pass(() => false, ms);
  }

  /** The value of a source now. Throws BenchSetupError for a source this bench cannot read. */
  read(source: SourceName, area?: string): Reading {
    const { fixtures, pen, target } = this.ctx;
    switch (source) {
      case 'gauge.counts':
        return fixtures.gaugeCounts;
      case 'gauge.depthUm':
        return fixtures.gaugeDepthUm;
      case 'gauge.umPerCount':
        return fixtures.calibration.umPerCount;
      case 'gauge.zeroCounts':
        return fixtures.calibration.zeroCounts;
      case 'gauge.residualUm':
        return fixtures.calibration.residualUm;
      case 'arm.commandDeg':
        return fixtures.armCommandDeg;
      case 'relay.closed':
        return fixtures.isPowerOn;
      case 'estop.pressed':
        return fixtures.isEstopPressed;
      case 'estop.signals':
        return this.estopSignals;
    }
    if (source.startsWith('pen.')) {
      if (pen === null) throw new BenchSetupError(`${source} needs the simulated target`);
      const readers: Record<string, () => Reading> = {
        'pen.skinContact': pen.skinContact,
        'pen.strokeHz': pen.strokeHz,
        'pen.motorCurrentMa': pen.motorCurrentMa,
        'pen.supplyMv': pen.supplyMv,
        'pen.bootCount': pen.bootCount,
        'pen.needleUm': pen.needleUm,
        'pen.homeSwitch': pen.homeSwitch,
      };
      return (readers[source] as () => Reading)();
    }
    if (source.startsWith('sweep.')) return sweepFigure(source, this.depthSweep, this.rateSweep);
    if (source === 'direct.answer') return this.lastDirectAnswer;
    if (target === null) throw new BenchSetupError(`${source} needs the controller`);
    const readings = target.readings();
    const controllerReaders: Record<string, () => Reading> = {
      'controller.outcome': () => target.lastEnd()?.outcome ?? null,
      'controller.refusals': () => target.lastEnd()?.refusals.join(',') ?? null,
      'controller.proUnlocked': () => {
        const end = target.lastEnd();
        return end === null ? null : end.unlock !== null;
      },
      'controller.unlockMaxDepthUm': () => target.lastEnd()?.unlock?.maxDepthUm ?? null,
      'controller.passes': () => target.passes(area ?? ''),
      'controller.penState': () => readings.penState,
      'controller.faultCode': () => readings.faultCode,
      'controller.lastStopReason': () => readings.lastStopReason,
      'controller.measuredDepthUm': () => readings.measuredDepthUm,
      'controller.commandedDepthUm': () => readings.commandedDepthUm,
      'controller.measuredStrokeHz': () => readings.measuredStrokeHz,
    };
    const reader = controllerReaders[source];
    if (reader === undefined) throw new BenchSetupError(`${source} has no reader`);
    return reader();
  }

  private sampleSeries(): void {
    const nowMs = this.nowMs();
    this.scenario.series.forEach((entry, i) => {
      if (nowMs < (this.nextSampleMs[i] as number)) return;
      this.nextSampleMs[i] = nowMs + entry.everyMs;
      const reading = this.blockOnGauge && entry.source.startsWith('gauge.') ? null : this.read(entry.source);
      (this.series[i] as SeriesRecord).points.push([nowMs, typeof reading === 'number' ? reading : null]);
    });
  }

  private checkAbort(): void {
    if (this.abortReason !== null && !this.ignoreAbort) throw new BenchAbortError(this.abortReason);
  }
}

/** Mean and max absolute error, and the point count, of the last sweep; null before one ran. */
function sweepFigure(
  source: SourceName,
  depth: readonly SweepPoint[] | null,
  rate: readonly SweepPoint[] | null,
): Reading {
  const points = source.startsWith('sweep.depth') ? depth : rate;
  if (points === null || points.length === 0) return null;
  const errors = points.map((point) => Math.abs(point.error));
  if (source.endsWith('Points')) return points.length;
  if (source.endsWith('MaxErrorUm') || source.endsWith('MaxErrorHz')) return Math.max(...errors);
  return errors.reduce((sum, e) => sum + e, 0) / errors.length;
}

/** The signed per-point errors of the sweep a `sweep.*Error*` source reduces (attached to its measurement). */
export function sweepErrors(run: RunState, source: SourceName): number[] | undefined {
  if (!source.startsWith('sweep.') || source.endsWith('Points')) return undefined;
  const points = source.startsWith('sweep.depth') ? run.depthSweep : run.rateSweep;
  return points?.map((point) => point.error);
}
