// Tests of the effective cap (S2), step flooring (S3), bad settings (S4) and the stroke range (S7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveCapUm, floorToStepUm, strokeHzWithinRange, strokeRangeWithin, type CapKind } from './caps.js';

const all = { skuUm: 2500, modeUm: 2500, areaUm: 2500, profileUm: 2500, planUm: 2500 };

describe('effectiveCapUm', () => {
  it.each<[CapKind, keyof typeof all]>([
    ['sku', 'skuUm'],
    ['mode', 'modeUm'],
    ['area', 'areaUm'],
    ['profile', 'profileUm'],
    ['plan', 'planUm'],
  ])('S2: the %s cap binds alone when it is the lowest', (kind, field) => {
    const result = effectiveCapUm({ ...all, [field]: 700 });
    expect(result).toEqual({ capUm: 700, binding: kind, invalid: [] });
  });

  it('S2: a lower device (sku) cap wins over a deeper plan', () => {
    expect(effectiveCapUm({ skuUm: 250, modeUm: 2500, areaUm: 1500, planUm: 1500 })).toEqual({
      capUm: 250,
      binding: 'sku',
      invalid: [],
    });
  });

  it('S2: on a tie the plan binds, so asking exactly a cap is not a clamp', () => {
    expect(effectiveCapUm({ skuUm: 250, modeUm: 250, areaUm: 250, planUm: 250 }).binding).toBe('plan');
    expect(effectiveCapUm({ skuUm: 250, modeUm: 250, areaUm: 250 }).binding).toBe('area');
  });

  it('skips plan and profile when undefined', () => {
    expect(effectiveCapUm({ skuUm: 2500, modeUm: 2500, areaUm: 1000 })).toEqual({
      capUm: 1000,
      binding: 'area',
      invalid: [],
    });
  });

  it.each([NaN, null, Infinity, -Infinity, -1, '250', {}, true])(
    'S4: a malformed cap (%s) binds at 0 um and is reported',
    (bad) => {
      expect(effectiveCapUm({ skuUm: 2500, modeUm: 250, areaUm: 250, planUm: bad })).toEqual({
        capUm: 0,
        binding: 'plan',
        invalid: ['plan'],
      });
      expect(effectiveCapUm({ skuUm: bad, modeUm: 250, areaUm: 250 })).toEqual({
        capUm: 0,
        binding: 'sku',
        invalid: ['sku'],
      });
    },
  );

  it('S4: a missing required cap binds at 0 um', () => {
    expect(effectiveCapUm({ skuUm: undefined, modeUm: 250, areaUm: 250 })).toEqual({
      capUm: 0,
      binding: 'sku',
      invalid: ['sku'],
    });
  });

  it('S4: MAX_VALUE everywhere is bounded by the protocol maximum (2500 um)', () => {
    const max = Number.MAX_VALUE;
    expect(effectiveCapUm({ skuUm: max, modeUm: max, areaUm: max, profileUm: max, planUm: max }).capUm).toBe(2500);
  });

  it('S2: property: the cap is the minimum of the valid caps, never above any cap, 0 when one is invalid', () => {
    const capValue = fc.oneof(
      fc.integer({ min: 0, max: 3000 }),
      fc.double({ noNaN: false }),
      fc.constantFrom(undefined, null, 'x', Infinity, -1),
    );
    fc.assert(
      fc.property(capValue, capValue, capValue, capValue, capValue, (skuUm, modeUm, areaUm, profileUm, planUm) => {
        const caps = { skuUm, modeUm, areaUm, profileUm, planUm };
        const result = effectiveCapUm(caps);
        const applicable = Object.entries(caps).filter(
          ([key, value]) => !((key === 'planUm' || key === 'profileUm') && value === undefined),
        );
        const valid = (value: unknown): value is number =>
          typeof value === 'number' && Number.isFinite(value) && value >= 0;
        const expected = Math.min(2500, ...applicable.map(([, value]) => (valid(value) ? value : 0)));
        expect(result.capUm - expected).toBe(0);
        for (const [, value] of applicable) if (valid(value)) expect(result.capUm).toBeLessThanOrEqual(value);
        expect(result.capUm).toBeGreaterThanOrEqual(0);
      }),
      { seed: 20240601, numRuns: 500 },
    );
  });
});

describe('floorToStepUm', () => {
  it('S3: a cap that is not a multiple of the step is floored, never rounded up', () => {
    expect(floorToStepUm(230)).toBe(200);
    expect(floorToStepUm(299.999)).toBe(250);
    expect(floorToStepUm(250)).toBe(250);
    expect(floorToStepUm(49)).toBe(0);
    expect(floorToStepUm(1075, 100)).toBe(1000);
  });

  it.each([NaN, null, Infinity, -1, '250', undefined])('S4: a malformed depth (%s) floors to 0', (bad) => {
    expect(floorToStepUm(bad)).toBe(0);
  });

  it('S4: a malformed step falls back to 50 um', () => {
    expect(floorToStepUm(240, 0)).toBe(200);
    expect(floorToStepUm(240, NaN)).toBe(200);
    expect(floorToStepUm(240, -10)).toBe(200);
  });

  it('S3: property: floored depth is a step multiple, <= the input, within one step', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2500, noNaN: true }), (valueUm) => {
        const floored = floorToStepUm(valueUm);
        expect(floored % 50).toBe(0);
        expect(floored).toBeLessThanOrEqual(valueUm);
        expect(valueUm - floored).toBeLessThan(50);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('stroke rate', () => {
  it('S7: the plan rate stays within 50-150 Hz and the pen range', () => {
    const range = strokeRangeWithin(60, 140);
    expect(range).toEqual({ minHz: 60, maxHz: 140 });
    expect(strokeHzWithinRange(150, range ?? undefined)).toEqual({ strokeHz: 140, clamped: true, invalid: false });
    expect(strokeHzWithinRange(55, range ?? undefined)).toEqual({ strokeHz: 60, clamped: true, invalid: false });
    expect(strokeHzWithinRange(100, range ?? undefined)).toEqual({ strokeHz: 100, clamped: false, invalid: false });
    expect(strokeHzWithinRange(100.7)).toEqual({ strokeHz: 100, clamped: true, invalid: false });
  });

  it('S7: a pen range wider than the protocol is narrowed to 50-150 Hz', () => {
    expect(strokeRangeWithin(10, 250)).toEqual({ minHz: 50, maxHz: 150 });
  });

  it('S4: a pen range that misses 50-150 Hz or is not numbers is implausible', () => {
    expect(strokeRangeWithin(160, 200)).toBeNull();
    expect(strokeRangeWithin(120, 80)).toBeNull();
    expect(strokeRangeWithin(NaN, 150)).toBeNull();
    expect(strokeRangeWithin('50', 150)).toBeNull();
  });

  it.each([NaN, null, Infinity, -Infinity, '120', undefined])(
    'S4/S7: a malformed rate (%s) takes the lowest rate',
    (bad) => {
      expect(strokeHzWithinRange(bad)).toEqual({ strokeHz: 50, clamped: true, invalid: true });
    },
  );

  it('S7: extreme numbers are clamped into range', () => {
    expect(strokeHzWithinRange(Number.MAX_VALUE).strokeHz).toBe(150);
    expect(strokeHzWithinRange(-1).strokeHz).toBe(50);
  });
});
