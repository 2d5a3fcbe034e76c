// Min/max decimation of plot samples for the screen: each time bucket becomes at most two rows that keep its extremes.

/** Rows ready for the page: one time column and one column per series, equal lengths. */
export interface DecimatedRows {
  /** Row times, ms. */
  readonly tMs: number[];
  readonly columns: number[][];
  /** Input samples these rows stand for (those of the closed buckets). */
  readonly samples: number;
  /** Rows dropped because more than `maxRows` waited (the screen fell behind; records are not affected). */
  readonly droppedRows: number;
}

/**
 * Buckets samples by time (`bucketMs`). A bucket with one sample gives one row; with more, two
 * rows: the per-series minimums at the bucket's first time and the maximums at its last, so a
 * spike of any series is never hidden by decimation. Allocation per sample: none.
 */
export class MinMaxDecimator {
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private bucketStartMs = -Infinity;
  private firstMs = 0;
  private lastMs = 0;
  private count = 0;
  private tMs: number[] = [];
  private columns: number[][];
  private samples = 0;
  private droppedRows = 0;

  constructor(
    private readonly bucketMs: number,
    private readonly seriesCount: number,
    private readonly maxRows: number,
  ) {
    if (!(bucketMs > 0) || !Number.isInteger(seriesCount) || seriesCount < 1 || !(maxRows >= 2)) {
      throw new RangeError(`decimator: bucket ${bucketMs} ms, ${seriesCount} series, ${maxRows} rows`);
    }
    this.min = new Float64Array(seriesCount);
    this.max = new Float64Array(seriesCount);
    this.columns = Array.from({ length: seriesCount }, () => []);
  }

  /** Adds one sample at `tMs` (non-decreasing) with one value per series. */
  add(tMs: number, values: ArrayLike<number>): void {
    if (this.count > 0 && tMs >= this.bucketStartMs + this.bucketMs) this.closeBucket();
    if (this.count === 0) {
      this.bucketStartMs = tMs - (tMs % this.bucketMs);
      this.firstMs = tMs;
      for (let i = 0; i < this.seriesCount; i++) {
        this.min[i] = values[i] as number;
        this.max[i] = values[i] as number;
      }
    } else {
      for (let i = 0; i < this.seriesCount; i++) {
        const value = values[i] as number;
        if (value < (this.min[i] as number)) this.min[i] = value;
        if (value > (this.max[i] as number)) this.max[i] = value;
      }
    }
    this.lastMs = tMs;
    this.count++;
  }

  /** Takes the rows of every bucket that ended by `nowMs` (the open bucket stays unless it has ended). */
  take(nowMs: number): DecimatedRows {
    if (this.count > 0 && nowMs >= this.bucketStartMs + this.bucketMs) this.closeBucket();
    const rows = { tMs: this.tMs, columns: this.columns, samples: this.samples, droppedRows: this.droppedRows };
    this.tMs = [];
    this.columns = Array.from({ length: this.seriesCount }, () => []);
    this.samples = 0;
    this.droppedRows = 0;
    return rows;
  }

  private closeBucket(): void {
    this.samples += this.count;
    if (this.count === 1) {
      this.pushRow(this.firstMs, this.min);
    } else {
      this.pushRow(this.firstMs, this.min);
      this.pushRow(this.lastMs, this.max);
    }
    this.count = 0;
  }

  private pushRow(tMs: number, values: Float64Array): void {
    if (this.tMs.length >= this.maxRows) {
      this.tMs.shift();
      for (const column of this.columns) column.shift();
      this.droppedRows++;
    }
    this.tMs.push(tMs);
    for (let i = 0; i < this.seriesCount; i++) (this.columns[i] as number[]).push(values[i] as number);
  }
}
