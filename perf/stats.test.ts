// Benchmark statistics: quantiles, latency summaries, run figures and slopes on known values.
import { describe, expect, it } from 'vitest';
import { figureOf, median, quantileOfSorted, slope, sortedCopy, summarizeLatencies } from './stats.js';

describe('quantileOfSorted', () => {
  it('interpolates between closest ranks', () => {
    const sorted = [10, 20, 30, 40];
    expect(quantileOfSorted(sorted, 0)).toBe(10);
    expect(quantileOfSorted(sorted, 1)).toBe(40);
    expect(quantileOfSorted(sorted, 0.5)).toBe(25);
    expect(quantileOfSorted(sorted, 0.25)).toBe(17.5);
    expect(quantileOfSorted([7], 0.99)).toBe(7);
  });

  it('refuses an empty array and a quantile outside [0, 1]', () => {
    expect(() => quantileOfSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileOfSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantileOfSorted([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and sortedCopy', () => {
  it('sorts numerically without touching the input', () => {
    const values = [3, 100, 20, 1];
    expect(Array.from(sortedCopy(values))).toEqual([1, 3, 20, 100]);
    expect(values).toEqual([3, 100, 20, 1]);
    expect(median(values)).toBe(11.5);
    expect(median([5, 1, 9])).toBe(5);
  });
});

describe('summarizeLatencies', () => {
  it('gives p50, p99 and max of 1..100', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    const summary = summarizeLatencies(samples);
    expect(summary).toEqual({ p50: 50.5, p99: 99.01, max: 100, count: 100 });
  });

  it('keeps a single outlier out of p99 but in max', () => {
    const samples = [...Array.from({ length: 999 }, () => 5), 5000];
    const summary = summarizeLatencies(samples);
    expect(summary.p99).toBe(5);
    expect(summary.max).toBe(5000);
  });
});

describe('figureOf', () => {
  it('reports median, spread and the per-run values in run order', () => {
    const figure = figureOf([4, 1, 3, 2, 100]);
    expect(figure).toEqual({ median: 3, min: 1, max: 100, q1: 2, q3: 4, values: [4, 1, 3, 2, 100] });
  });

  it('refuses no runs', () => {
    expect(() => figureOf([])).toThrow(RangeError);
  });
});

describe('slope', () => {
  it('fits a line exactly and is 0 without two distinct x', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBe(2);
    expect(slope([0, 10, 20], [5, 4, 3])).toBeCloseTo(-0.1, 12);
    expect(slope([1], [2])).toBe(0);
    expect(slope([2, 2], [1, 5])).toBe(0);
  });
});
