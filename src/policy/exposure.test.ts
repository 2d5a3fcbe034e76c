// Tests of exposure budgets per area and session (S6) and their settings (S4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPOSURE_BUDGETS, checkExposure, puncturesFor, resolveExposureBudgets } from './exposure.js';

const budgets = { areaPunctures: 1000, areaContactMs: 10_000, sessionPunctures: 3000, sessionContactMs: 30_000 };
const zero = { punctures: 0, contactMs: 0 };

describe('exposure', () => {
  it('S6: each budget, once reached, gives its reason', () => {
    expect(
      checkExposure({ punctures: 999, contactMs: 9_999 }, { punctures: 999, contactMs: 9_999 }, budgets),
    ).toBeNull();
    expect(checkExposure({ punctures: 1000, contactMs: 0 }, { punctures: 1000, contactMs: 0 }, budgets)).toEqual({
      reason: 'AREA_PUNCTURE_BUDGET_REACHED',
      sessionWide: false,
      detail: '1000 of 1000 punctures',
    });
    expect(checkExposure({ punctures: 0, contactMs: 10_000 }, zero, budgets)?.reason).toBe(
      'AREA_CONTACT_TIME_BUDGET_REACHED',
    );
    expect(checkExposure(zero, { punctures: 3000, contactMs: 0 }, budgets)).toMatchObject({
      reason: 'SESSION_PUNCTURE_BUDGET_REACHED',
      sessionWide: true,
    });
    expect(checkExposure(zero, { punctures: 0, contactMs: 30_000 }, budgets)?.reason).toBe(
      'SESSION_CONTACT_TIME_BUDGET_REACHED',
    );
  });

  it('punctures are strokes x needles; bad inputs count 0', () => {
    expect(puncturesFor(150, 12)).toBe(1800);
    expect(puncturesFor(NaN, 12)).toBe(0);
    expect(puncturesFor(10, -1)).toBe(0);
  });

  it('S4: budgets: missing takes the default, malformed takes the default with a reason, higher is capped', () => {
    const resolved = resolveExposureBudgets({
      areaPunctures: 500,
      areaContactMs: NaN,
      sessionPunctures: Number.MAX_VALUE,
      sessionContactMs: '60000',
    });
    expect(resolved.budgets).toEqual({
      areaPunctures: 500,
      areaContactMs: DEFAULT_EXPOSURE_BUDGETS.areaContactMs,
      sessionPunctures: DEFAULT_EXPOSURE_BUDGETS.sessionPunctures,
      sessionContactMs: DEFAULT_EXPOSURE_BUDGETS.sessionContactMs,
    });
    expect(resolved.adjusted.map((a) => `${a.field}:${a.reason}`)).toEqual([
      'areaContactMs:SETTING_INVALID',
      'sessionPunctures:SETTING_INVALID',
      'sessionContactMs:SETTING_INVALID',
    ]);
    for (const bad of [null, undefined, 'x', 42]) {
      expect(resolveExposureBudgets(bad)).toEqual({ budgets: DEFAULT_EXPOSURE_BUDGETS, adjusted: [] });
    }
    expect(resolveExposureBudgets({ areaPunctures: -1 }).budgets.areaPunctures).toBe(
      DEFAULT_EXPOSURE_BUDGETS.areaPunctures,
    );
    expect(resolveExposureBudgets({ areaPunctures: Infinity }).adjusted).toHaveLength(1);
  });

  it('S6: property: stopping at the first breach bounds usage to the budget plus one increment', () => {
    const increment = fc.record({
      strokes: fc.integer({ min: 0, max: 200 }),
      contactMs: fc.integer({ min: 0, max: 2000 }),
    });
    fc.assert(
      fc.property(
        fc.array(increment, { minLength: 1, maxLength: 500 }),
        fc.integer({ min: 1, max: 36 }),
        (steps, needles) => {
          const area = { punctures: 0, contactMs: 0 };
          for (const step of steps) {
            if (checkExposure(area, area, budgets) !== null) break;
            area.punctures += puncturesFor(step.strokes, needles);
            area.contactMs += step.contactMs;
          }
          expect(area.punctures).toBeLessThan(budgets.areaPunctures + 200 * needles);
          expect(area.contactMs).toBeLessThan(budgets.areaContactMs + 2000);
        },
      ),
      { seed: 6, numRuns: 300 },
    );
  });
});
