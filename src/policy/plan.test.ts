// Tests of plan parsing: field-naming errors with reason codes, caps per mode and area (S1, S2, S4, S8).
import { describe, expect, it } from 'vitest';
import { parsePlan, fieldName, depthMmToUm, type PlanError } from './plan.js';

function errorsOf(json: unknown): PlanError[] {
  const result = parsePlan(json);
  if (result.ok) throw new Error('expected a refusal');
  return result.errors;
}

const summary = (errors: PlanError[]) => errors.map(({ field, reason }) => `${field}:${reason}`);

describe('parsePlan', () => {
  it('accepts a valid home plan, with the default stroke rate and depth in um', () => {
    const result = parsePlan({
      mode: 'home',
      areas: [
        { area: 'forehead', depthMm: 0.25, passes: 4 },
        { area: 'cheeks', depthMm: 0.2, passes: 6, strokeHz: 120 },
      ],
      operator: { attemptPasses: 8 },
    });
    expect(result).toEqual({
      ok: true,
      plan: {
        mode: 'home',
        areas: [
          { area: 'forehead', depthMm: 0.25, depthUm: 250, passes: 4, strokeHz: 100 },
          { area: 'cheeks', depthMm: 0.2, depthUm: 200, passes: 6, strokeHz: 120 },
        ],
        operator: { attemptPasses: 8 },
      },
    });
  });

  it('accepts a pro plan at each area cap', () => {
    const result = parsePlan({
      mode: 'pro',
      areas: [
        { area: 'body', depthMm: 2.5, passes: 1 },
        { area: 'cheeks', depthMm: 1.5, passes: 1 },
        { area: 'periorbital', depthMm: 0.25, passes: 1 },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it('S1: refuses a home depth above 0.25 mm, naming the field', () => {
    const errors = errorsOf({
      mode: 'home',
      areas: [
        { area: 'neck', depthMm: 0.2 },
        { area: 'cheeks', depthMm: 0.3, passes: 2 },
      ],
    });
    expect(summary(errors)).toEqual(['areas[0].passes:INVALID_FIELD', 'areas[1].depthMm:DEPTH_ABOVE_MODE_CAP']);
    expect(errors[1]?.message).toBe('0.3 mm is above the home mode cap of 0.25 mm');
  });

  it('S2: refuses a pro depth above the area cap, and above the mode cap', () => {
    const errors = errorsOf({
      mode: 'pro',
      areas: [
        { area: 'periorbital', depthMm: 0.3, passes: 1 },
        { area: 'forehead', depthMm: 0.55, passes: 1 },
        { area: 'body', depthMm: 2.6, passes: 1 },
      ],
    });
    expect(summary(errors)).toEqual([
      'areas[0].depthMm:DEPTH_ABOVE_AREA_CAP',
      'areas[1].depthMm:DEPTH_ABOVE_AREA_CAP',
      'areas[2].depthMm:DEPTH_ABOVE_MODE_CAP',
    ]);
  });

  it('counts 0.2504 mm as above 0.25 mm (no rounding past a cap)', () => {
    expect(summary(errorsOf({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.2504, passes: 1 }] }))).toEqual([
      'areas[0].depthMm:DEPTH_ABOVE_MODE_CAP',
    ]);
  });

  it('S5: refuses passes above 6 and below 1', () => {
    const errors = errorsOf({
      mode: 'home',
      areas: [
        { area: 'neck', depthMm: 0.2, passes: 7 },
        { area: 'chin', depthMm: 0.2, passes: 0 },
      ],
    });
    expect(summary(errors)).toEqual(['areas[0].passes:PASSES_ABOVE_LIMIT', 'areas[1].passes:INVALID_FIELD']);
  });

  it('refuses an unknown area and a duplicated area', () => {
    const errors = errorsOf({
      mode: 'home',
      areas: [
        { area: 'elbow', depthMm: 0.2, passes: 1 },
        { area: 'neck', depthMm: 0.2, passes: 1 },
        { area: 'neck', depthMm: 0.1, passes: 1 },
      ],
    });
    expect(summary(errors)).toEqual(['areas[0].area:UNKNOWN_AREA', 'areas[2].area:DUPLICATE_AREA']);
  });

  it('S7: refuses a stroke rate outside 50-150 Hz', () => {
    const errors = errorsOf({
      mode: 'home',
      areas: [
        { area: 'neck', depthMm: 0.2, passes: 1, strokeHz: 151 },
        { area: 'chin', depthMm: 0.2, passes: 1, strokeHz: 49 },
      ],
    });
    expect(summary(errors)).toEqual(['areas[0].strokeHz:SPEED_OUT_OF_RANGE', 'areas[1].strokeHz:SPEED_OUT_OF_RANGE']);
  });

  it('S4: refuses wrong types, naming each field', () => {
    const errors = errorsOf({
      mode: 'clinic',
      areas: [{ area: 3, depthMm: '0.2', passes: 2.5, strokeHz: null }],
      operator: { attemptPasses: 21 },
    });
    expect(summary(errors)).toEqual([
      'mode:INVALID_FIELD',
      'areas[0].area:INVALID_FIELD',
      'areas[0].depthMm:INVALID_FIELD',
      'areas[0].passes:INVALID_FIELD',
      'areas[0].strokeHz:INVALID_FIELD',
      'operator.attemptPasses:INVALID_FIELD',
    ]);
  });

  it('S4: refuses NaN-like and extreme depths', () => {
    for (const depthMm of [-1, 0, null, 'deep', Number.MAX_VALUE]) {
      const errors = errorsOf({ mode: 'home', areas: [{ area: 'neck', depthMm, passes: 1 }] });
      expect(errors.map((e) => e.field)).toEqual(['areas[0].depthMm']);
    }
  });

  it('refuses unknown keys (typos) everywhere, under operator too', () => {
    const errors = errorsOf({ mode: 'home', areas: [{ area: 'neck', depthMM: 0.2, passes: 1 }], extra: true });
    expect(summary(errors)).toEqual([
      'areas[0].depthMm:INVALID_FIELD',
      'areas[0].depthMM:INVALID_FIELD',
      'extra:INVALID_FIELD',
    ]);
    const nested = { note: { deeper: { deeper: { deeper: 1 } } } };
    expect(
      summary(errorsOf({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.2, passes: 1 }], operator: nested })),
    ).toEqual(['operator.note:INVALID_FIELD']);
  });

  it('S1 S3: a depth just above a cap is refused naming the field, never floored to the cap', () => {
    expect(summary(errorsOf({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.2500001, passes: 1 }] }))).toEqual([
      'areas[0].depthMm:DEPTH_ABOVE_MODE_CAP',
    ]);
    expect(summary(errorsOf({ mode: 'pro', areas: [{ area: 'forehead', depthMm: 0.5000001, passes: 1 }] }))).toEqual([
      'areas[0].depthMm:DEPTH_ABOVE_AREA_CAP',
    ]);
    expect(parsePlan({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.25, passes: 1 }] }).ok).toBe(true);
    expect(parsePlan({ mode: 'pro', areas: [{ area: 'nose', depthMm: 0.57 - 0.07, passes: 1 }] }).ok).toBe(true);
  });

  it('refuses a document that is not an object, or has no areas', () => {
    expect(summary(errorsOf(null))).toEqual(['plan:INVALID_FIELD']);
    expect(summary(errorsOf('plan'))).toEqual(['plan:INVALID_FIELD']);
    expect(summary(errorsOf({ mode: 'home', areas: [] }))).toEqual(['areas:INVALID_FIELD']);
  });
});

describe('helpers', () => {
  it('formats field paths', () => {
    expect(fieldName(['areas', 1, 'depthMm'])).toBe('areas[1].depthMm');
    expect(fieldName([])).toBe('plan');
  });

  it('converts mm to um without float noise', () => {
    expect(depthMmToUm(0.57)).toBe(570);
    expect(depthMmToUm(1.1)).toBe(1100);
    expect(depthMmToUm(0.2504)).toBe(250.4);
  });
});
