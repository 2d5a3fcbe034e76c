// The live plots: depth (commanded, measured, the effective cap, the limiter's trip line) and stroke rate, redrawn at most once per animation frame.
import uPlot from 'uplot';
import { PLOT_COLUMNS, type SamplesMessage } from '../shared/messages.js';
import { RollingWindow } from './rolling-window.js';

/** Seconds of history on screen. */
export const PLOT_WINDOW_S = 10;

/** Drawing figures of the last second, for the footer. */
export interface PlotFigures {
  readonly rowsPerSecond: number;
  readonly pointsPerSecond: number;
  readonly redrawsPerSecond: number;
}

const DEPTH_SERIES = 4;

function series(label: string, stroke: string, dash?: number[]): uPlot.Series {
  return { label, stroke, width: 1.5, ...(dash === undefined ? {} : { dash }), points: { show: false } };
}

function options(title: string, unit: string, width: number, lines: uPlot.Series[]): uPlot.Options {
  return {
    title,
    width,
    height: 220,
    scales: { x: { time: false } },
    axes: [{ label: 'desk time (s)' }, { label: unit }],
    series: [{ label: 't (s)' }, ...lines],
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
  };
}

/** Both plots over one rolling window of rows; a redraw is scheduled only when rows arrived (an idle page draws nothing). */
export class PenPlots {
  private readonly window = new RollingWindow(PLOT_WINDOW_S, PLOT_COLUMNS.length);
  private readonly depth: uPlot;
  private readonly rate: uPlot;
  private dirty = false;
  private redraws = 0;

  constructor(depthHost: HTMLElement, rateHost: HTMLElement) {
    const width = Math.max(320, depthHost.clientWidth || 640);
    this.depth = new uPlot(
      options('Needle depth', 'um', width, [
        series('commanded', '#2563eb'),
        series('measured', '#16a34a'),
        series('effective cap', '#d97706', [6, 4]),
        series("limiter's trip line", '#dc2626', [2, 3]),
      ]),
      [[], [], [], [], []],
      depthHost,
    );
    this.rate = new uPlot(
      options('Stroke rate', 'Hz', width, [series('commanded', '#2563eb'), series('measured', '#16a34a')]),
      [[], [], []],
      rateHost,
    );
  }

  /** Fits both plots to `width` px (the layout changed: controller mode adds the treatment column). */
  resize(width: number): void {
    const size = { width: Math.max(320, width), height: 220 };
    this.depth.setSize(size);
    this.rate.setSize(size);
  }

  /** Adds one report's rows; drawn on the next animation frame. */
  add(samples: SamplesMessage): void {
    const kept = this.window.append(
      samples.t,
      PLOT_COLUMNS.map((name) => samples[name]),
    );
    if (kept === 0 || this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => this.draw());
  }

  /** Figures since the last call, scaled to per second over `elapsedS`. */
  takeFigures(elapsedS: number): PlotFigures {
    const rows = this.window.takeRowsAdded();
    const redraws = this.redraws;
    this.redraws = 0;
    return {
      rowsPerSecond: Math.round(rows / elapsedS),
      pointsPerSecond: Math.round((rows * PLOT_COLUMNS.length) / elapsedS),
      redrawsPerSecond: Math.round(redraws / elapsedS),
    };
  }

  private draw(): void {
    this.dirty = false;
    this.redraws++;
    const { t, columns } = this.window;
    this.depth.setData([t, ...columns.slice(0, DEPTH_SERIES)] as uPlot.AlignedData);
    this.rate.setData([t, ...columns.slice(DEPTH_SERIES)] as uPlot.AlignedData);
  }
}
