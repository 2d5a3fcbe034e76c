// Min/max decimation keeps every extreme, at most two rows per bucket, in time order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinMaxDecimator } from './decimator.js';

describe('MinMaxDecimator', () => {
  it('no spike is hidden: per bucket the rows hold its minimum and maximum of every series', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: -500, max: 3000 }),
            fc.integer({ min: 0, max: 200 }),
          ),
          {
            minLength: 1,
            maxLength: 400,
          },
        ),
        (steps) => {
          const decimator = new MinMaxDecimator(10, 2, 4096);
          let tMs = 0;
          const input: [number, number, number][] = [];
          for (const [gap, depth, rate] of steps) {
            tMs += gap;
            decimator.add(tMs, [depth, rate]);
            input.push([tMs, depth, rate]);
          }
          const rows = decimator.take(tMs + 10);
          expect(rows.samples).toBe(input.length);
          for (let i = 1; i < rows.tMs.length; i++)
            expect(rows.tMs[i]).toBeGreaterThanOrEqual(rows.tMs[i - 1] as number);
          const buckets = new Map<number, [number, number, number][]>();
          for (const sample of input)
            buckets.set(Math.floor(sample[0] / 10), [...(buckets.get(Math.floor(sample[0] / 10)) ?? []), sample]);
          expect(rows.tMs.length).toBeLessThanOrEqual(2 * buckets.size);
          for (const [bucket, samples] of buckets) {
            const rowIndexes = rows.tMs.flatMap((t, index) => (Math.floor(t / 10) === bucket ? [index] : []));
            for (const series of [0, 1]) {
              const values = rowIndexes.map((index) => (rows.columns[series] as number[])[index] as number);
              const truth = samples.map((sample) => sample[series + 1] as number);
              expect(Math.max(...values)).toBe(Math.max(...truth));
              expect(Math.min(...values)).toBe(Math.min(...truth));
            }
          }
        },
      ),
    );
  });

  it('1 kHz in 10 ms buckets gives 200 rows per second; a lone sample per bucket passes through unchanged', () => {
    const fast = new MinMaxDecimator(10, 1, 4096);
    for (let t = 0; t < 1000; t++) fast.add(t, [t % 7]);
    expect(fast.take(1000).tMs).toHaveLength(200);
    const slow = new MinMaxDecimator(10, 1, 4096);
    for (let t = 0; t < 1000; t += 20) slow.add(t, [t]);
    const rows = slow.take(1000);
    expect(rows.tMs).toHaveLength(50);
    expect(rows.columns[0]).toEqual(rows.tMs);
  });

  it('keeps the open bucket until it ends, and bounds the rows that wait', () => {
    const decimator = new MinMaxDecimator(10, 1, 4);
    decimator.add(0, [1]);
    expect(decimator.take(5).tMs).toEqual([]);
    expect(decimator.take(10).tMs).toEqual([0]);
    for (let t = 20; t < 100; t += 10) decimator.add(t, [t]);
    const rows = decimator.take(200);
    expect(rows.tMs).toEqual([60, 70, 80, 90]);
    expect(rows.droppedRows).toBe(4);
  });

  it('S4: refuses a bucket, series count or row bound that cannot work', () => {
    expect(() => new MinMaxDecimator(0, 1, 10)).toThrow(RangeError);
    expect(() => new MinMaxDecimator(10, 0, 10)).toThrow(RangeError);
    expect(() => new MinMaxDecimator(Number.NaN, 1, 10)).toThrow(RangeError);
    expect(() => new MinMaxDecimator(10, 1, 1)).toThrow(RangeError);
  });
});
