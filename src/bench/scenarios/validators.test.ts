// Validators: equals, <=, >=, in range, marginal bounds, and values that never pass (null, NaN, wrong type).
import { describe, expect, it } from 'vitest';
import { describeValidator, evaluateValidator, hasConsistentMarginal } from './validators.js';

describe('bench measurement validators', () => {
  it('<= with a marginal bound: pass, marginal pass, fail at the boundary and beyond', () => {
    const v = { le: 250, marginal: 240 };
    expect(evaluateValidator(v, 240)).toEqual({ outcome: 'PASS', marginal: false });
    expect(evaluateValidator(v, 241)).toEqual({ outcome: 'PASS', marginal: true });
    expect(evaluateValidator(v, 250)).toEqual({ outcome: 'PASS', marginal: true });
    expect(evaluateValidator(v, 250.001)).toEqual({ outcome: 'FAIL', marginal: false });
    expect(describeValidator(v, 'um')).toBe('<= 250 um (marginal above 240)');
  });

  it('>= and in range, with marginal bounds inside the limits', () => {
    expect(evaluateValidator({ ge: 3300, marginal: 3500 }, 3400)).toEqual({ outcome: 'PASS', marginal: true });
    expect(evaluateValidator({ ge: 3300 }, 3299)).toEqual({ outcome: 'FAIL', marginal: false });
    const range = { inRange: [2.2, 2.8] as const, marginal: [2.3, 2.7] as const };
    expect(evaluateValidator(range, 2.5).marginal).toBe(false);
    expect(evaluateValidator(range, 2.25)).toEqual({ outcome: 'PASS', marginal: true });
    expect(evaluateValidator(range, 2.81).outcome).toBe('FAIL');
    expect(describeValidator(range, 'um/count')).toBe('in 2.2..2.8 um/count (marginal outside 2.3..2.7)');
  });

  it('equals compares booleans, numbers and text exactly', () => {
    expect(evaluateValidator({ equals: true }, true).outcome).toBe('PASS');
    expect(evaluateValidator({ equals: true }, 1).outcome).toBe('FAIL');
    expect(evaluateValidator({ equals: 'completed' }, 'completed').outcome).toBe('PASS');
    expect(evaluateValidator({ equals: 6 }, 7).outcome).toBe('FAIL');
  });

  it('nothing measured, NaN, infinity or a wrong type never passes a numeric limit', () => {
    for (const value of [null, Number.NaN, Infinity, -Infinity, 'x', true]) {
      expect(evaluateValidator({ le: 1e9 }, value).outcome).toBe('FAIL');
      expect(evaluateValidator({ inRange: [-1e9, 1e9] }, value).outcome).toBe('FAIL');
    }
  });

  it('marginal bounds must lie inside the limit', () => {
    expect(hasConsistentMarginal({ le: 10, marginal: 11 })).toBe(false);
    expect(hasConsistentMarginal({ ge: 10, marginal: 9 })).toBe(false);
    expect(hasConsistentMarginal({ inRange: [0, 10], marginal: [1, 11] })).toBe(false);
    expect(hasConsistentMarginal({ inRange: [0, 10], marginal: [6, 5] })).toBe(false);
    expect(hasConsistentMarginal({ inRange: [0, 10], marginal: [0, 10] })).toBe(true);
  });
});
