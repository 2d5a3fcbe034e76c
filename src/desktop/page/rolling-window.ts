// Plot rows of the last few seconds, column-wise as uPlot draws them: appended in time order, trimmed from the front. DOM-free.

/** Rows further apart than this are not joined by a line: the telemetry stopped in between, s. */
export const GAP_S = 0.5;

/**
 * A time column and value columns kept to `windowS` seconds behind the newest row. Rows arriving
 * out of order (older than the newest) are dropped: uPlot needs a sorted x column. A pause in the
 * rows longer than GAP_S gets a row of nulls, so no line is drawn across it.
 */
export class RollingWindow {
  readonly t: number[] = [];
  readonly columns: (number | null)[][];
  private rowsAdded = 0;

  constructor(
    private readonly windowS: number,
    seriesCount: number,
  ) {
    this.columns = Array.from({ length: seriesCount }, () => []);
  }

  /** Appends rows (`t` in seconds, one column per series, equal lengths); returns how many were kept. */
  append(t: readonly number[], columns: readonly (readonly number[])[]): number {
    let kept = 0;
    for (let row = 0; row < t.length; row++) {
      const time = t[row] as number;
      const newest = this.t.length === 0 ? -Infinity : (this.t[this.t.length - 1] as number);
      if (time < newest) continue;
      if (time - newest > GAP_S) {
        this.t.push((newest + time) / 2);
        for (const column of this.columns) column.push(null);
      }
      this.t.push(time);
      for (let series = 0; series < this.columns.length; series++) {
        (this.columns[series] as (number | null)[]).push((columns[series] as readonly number[])[row] as number);
      }
      kept++;
    }
    this.trim();
    this.rowsAdded += kept;
    return kept;
  }

  /** Rows added since the last call (for the points-shown rate). */
  takeRowsAdded(): number {
    const rows = this.rowsAdded;
    this.rowsAdded = 0;
    return rows;
  }

  private trim(): void {
    if (this.t.length === 0) return;
    const oldest = (this.t[this.t.length - 1] as number) - this.windowS;
    let drop = 0;
    while (drop < this.t.length && (this.t[drop] as number) < oldest) drop++;
    if (drop === 0) return;
    this.t.splice(0, drop);
    for (const column of this.columns) column.splice(0, drop);
  }
}
