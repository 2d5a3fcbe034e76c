// Small statistics for benchmark figures: quantiles, medians of runs and their spread.

/** One figure measured over several runs: the median and the spread of the per-run values. */
export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartile of the per-run values (linear interpolation). */
  readonly q1: number;
  readonly q3: number;
  /** Per-run values, in run order. */
  readonly values: readonly number[];
}

/**
 * Quantile `q` in [0, 1] of values sorted ascending, by linear interpolation between closest
 * ranks (q = 0.5 is the median, q = 1 the maximum). Throws RangeError for an empty array or a
 * q outside [0, 1].
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} not in [0, 1]`);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

/** Values sorted ascending into a new Float64Array (the input is not changed). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Median of values in any order. Throws RangeError when empty. */
export function median(values: ArrayLike<number>): number {
  return quantileOfSorted(sortedCopy(values), 0.5);
}

/** Latency summary of one run: p50, p99 and max of its samples, in the samples' unit. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

/** p50, p99 and max of `samples` (any order). Throws RangeError when empty. */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortedCopy(samples);
  return {
    p50: quantileOfSorted(sorted, 0.5),
    p99: quantileOfSorted(sorted, 0.99),
    max: sorted[sorted.length - 1] as number,
    count: sorted.length,
  };
}

/** The figure of several runs: median, min, max and quartiles of the per-run values. Throws RangeError when empty. */
export function figureOf(values: readonly number[]): Figure {
  const sorted = sortedCopy(values);
  return {
    median: quantileOfSorted(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantileOfSorted(sorted, 0.25),
    q3: quantileOfSorted(sorted, 0.75),
    values: [...values],
  };
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const count = Math.min(xs.length, ys.length);
  if (count < 2) return 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < count; i++) {
    sumX += xs[i] as number;
    sumY += ys[i] as number;
  }
  const meanX = sumX / count;
  const meanY = sumY / count;
  let covariance = 0;
  let varianceX = 0;
  for (let i = 0; i < count; i++) {
    const dx = (xs[i] as number) - meanX;
    covariance += dx * ((ys[i] as number) - meanY);
    varianceX += dx * dx;
  }
  return varianceX === 0 ? 0 : covariance / varianceX;
}
