// Tests of the aftercare instructions: every item from domain.md, in order, warnings marked.
import { describe, expect, it } from 'vitest';
import { AFTERCARE, aftercareLines } from './aftercare.js';

describe('aftercare', () => {
  it('covers every instruction in domain.md with stable ids', () => {
    expect(AFTERCARE.map((item) => item.id)).toEqual([
      'sunProtection',
      'noMakeup',
      'noActives',
      'noSweatSaunaPool',
      'hydrate',
      'doNotPick',
      'seekCare',
    ]);
    const text = AFTERCARE.map((item) => item.text).join(' ');
    for (const phrase of [
      'SPF 30+',
      'makeup',
      'retinoids',
      'AHA/BHA',
      'vitamin C',
      'sauna',
      'pool',
      'hyaluronic',
      'pick',
      'pus',
      'fever',
    ])
      expect(text).toContain(phrase);
  });

  it('gives the durations in hours', () => {
    const hours = Object.fromEntries(AFTERCARE.map((item) => [item.id, item.forHours]));
    expect(hours).toMatchObject({ noMakeup: 24, noActives: 72, noSweatSaunaPool: 48 });
  });

  it('prints one line per item, the warning last and marked', () => {
    const lines = aftercareLines();
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('- Apply broad-spectrum sunscreen (SPF 30+) daily and avoid direct sun for several days.');
    expect(lines[6]).toBe('- WARNING: Increasing pain, pus, spreading redness or fever: seek medical care.');
  });
});
