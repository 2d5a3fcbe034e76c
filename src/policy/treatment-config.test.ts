// Tests of the treatment configuration: safe defaults, S4 bad values, tighten-never-loosen.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TREATMENT_CONFIG,
  minIntervalDays,
  modeMaxDepthUm,
  parseTreatmentConfig,
  tightenTreatmentConfig,
  type TreatmentConfig,
  type TreatmentConfigField,
} from './treatment-config.js';

const NUMERIC_FIELDS = (Object.keys(DEFAULT_TREATMENT_CONFIG) as TreatmentConfigField[]).filter(
  (field) => typeof DEFAULT_TREATMENT_CONFIG[field] === 'number',
);

function errorsOf(result: ReturnType<typeof parseTreatmentConfig>) {
  if (result.ok) throw new Error('expected a refusal');
  return result.errors;
}

function configOf(result: ReturnType<typeof parseTreatmentConfig>): TreatmentConfig {
  if (!result.ok) throw new Error(`expected a config: ${JSON.stringify(result.errors)}`);
  return result.config;
}

describe('treatment config defaults', () => {
  it('S4: a missing document or missing fields take the safe defaults', () => {
    expect(configOf(parseTreatmentConfig(undefined))).toEqual(DEFAULT_TREATMENT_CONFIG);
    expect(configOf(parseTreatmentConfig({}))).toEqual(DEFAULT_TREATMENT_CONFIG);
    expect(configOf(parseTreatmentConfig({ proMaxDepthUm: 2000 })).homeMaxDepthUm).toBe(250);
  });

  it('holds the domain figures', () => {
    expect(modeMaxDepthUm(DEFAULT_TREATMENT_CONFIG, 'home')).toBe(250);
    expect(modeMaxDepthUm(DEFAULT_TREATMENT_CONFIG, 'pro')).toBe(2500);
    expect(minIntervalDays(DEFAULT_TREATMENT_CONFIG, 'home')).toBe(7);
    expect(minIntervalDays(DEFAULT_TREATMENT_CONFIG, 'pro')).toBe(28);
    expect(DEFAULT_TREATMENT_CONFIG.maxPassesPerArea).toBe(6);
    expect(DEFAULT_TREATMENT_CONFIG.patchTestMinWaitHours).toBe(24);
    expect(DEFAULT_TREATMENT_CONFIG.minClientAgeYears).toBe(22);
    expect(DEFAULT_TREATMENT_CONFIG.patchTestAreas).toEqual(['jawline', 'neck']);
    expect(Object.isFrozen(DEFAULT_TREATMENT_CONFIG)).toBe(true);
  });
});

describe('S4: bad values are rejected naming the field, never unbounded', () => {
  const badValues: [string, unknown][] = [
    ['NaN', NaN],
    ['null', null],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['-1', -1],
    ['MAX_VALUE', Number.MAX_VALUE],
    ['a string', '250'],
    ['a boolean', true],
  ];
  for (const field of NUMERIC_FIELDS) {
    it.each(badValues)(`${field} = %s is an error naming ${field}`, (_label, value) => {
      const errors = errorsOf(parseTreatmentConfig({ [field]: value }));
      expect(errors.map((error) => error.field)).toEqual(expect.arrayContaining([field]));
      expect(errors.every((error) => error.field === field)).toBe(true);
    });
  }

  it('absolute limits: home cap above 0.25 mm, pro above 2.5 mm, passes above 6 are errors', () => {
    expect(errorsOf(parseTreatmentConfig({ homeMaxDepthUm: 251 }))[0]?.field).toBe('homeMaxDepthUm');
    expect(errorsOf(parseTreatmentConfig({ proMaxDepthUm: 2501 }))[0]?.field).toBe('proMaxDepthUm');
    expect(errorsOf(parseTreatmentConfig({ maxPassesPerArea: 7 }))[0]?.field).toBe('maxPassesPerArea');
    expect(errorsOf(parseTreatmentConfig({ homeMinIntervalDays: 6 }))[0]?.field).toBe('homeMinIntervalDays');
    expect(errorsOf(parseTreatmentConfig({ proMinIntervalDays: 27 }))[0]?.field).toBe('proMinIntervalDays');
    expect(errorsOf(parseTreatmentConfig({ patchTestMinWaitHours: 23 }))[0]?.field).toBe('patchTestMinWaitHours');
    expect(errorsOf(parseTreatmentConfig({ minClientAgeYears: 21 }))[0]?.field).toBe('minClientAgeYears');
    expect(errorsOf(parseTreatmentConfig({ patchTestMaxPasses: 2 }))[0]?.field).toBe('patchTestMaxPasses');
    expect(errorsOf(parseTreatmentConfig({ homeMaxDepthUm: 200.5 }))[0]?.field).toBe('homeMaxDepthUm');
  });

  it('unknown keys, bad patch-test areas and a non-object document are errors', () => {
    expect(errorsOf(parseTreatmentConfig({ homeMaxDepthMm: 0.3 }))[0]?.message).toContain('homeMaxDepthMm');
    expect(errorsOf(parseTreatmentConfig({ patchTestAreas: ['cheeks'] }))[0]?.field).toBe('patchTestAreas.0');
    expect(errorsOf(parseTreatmentConfig({ patchTestAreas: [] }))[0]?.field).toBe('patchTestAreas');
    expect(errorsOf(parseTreatmentConfig('{}'))[0]?.field).toBe('(root)');
    expect(errorsOf(parseTreatmentConfig([]))[0]?.field).toBe('(root)');
  });
});

describe('a clinic may tighten, never loosen', () => {
  it('tightening every field is applied', () => {
    const tight = configOf(
      tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, {
        homeMaxDepthUm: 200,
        proMaxDepthUm: 1500,
        maxPassesPerArea: 4,
        homeMinIntervalDays: 14,
        proMinIntervalDays: 42,
        patchTestMinWaitHours: 48,
        patchTestAreas: ['neck'],
        patchTestMaxDepthUm: 100,
        minClientAgeYears: 25,
        screeningMaxAgeHours: 2,
        batteryReservePercent: 30,
        batteryDrainPercentPerMinute: 2.5,
        secondsPerPassEstimate: 90,
      }),
    );
    expect(tight).toMatchObject({ homeMaxDepthUm: 200, proMaxDepthUm: 1500, maxPassesPerArea: 4 });
    expect(tight).toMatchObject({ homeMinIntervalDays: 14, proMinIntervalDays: 42, patchTestMinWaitHours: 48 });
    expect(tight.patchTestAreas).toEqual(['neck']);
    expect(tight.batteryDrainPercentPerMinute).toBe(2.5);
  });

  it('equal values and an empty profile change nothing', () => {
    expect(configOf(tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, {}))).toEqual(DEFAULT_TREATMENT_CONFIG);
    expect(configOf(tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, { ...DEFAULT_TREATMENT_CONFIG }))).toEqual(
      DEFAULT_TREATMENT_CONFIG,
    );
  });

  it('loosening any field is refused naming it, and nothing is applied', () => {
    const base = configOf(
      tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, {
        homeMaxDepthUm: 200,
        proMaxDepthUm: 1500,
        maxPassesPerArea: 4,
        homeMinIntervalDays: 14,
        proMinIntervalDays: 42,
        patchTestMinWaitHours: 48,
        patchTestAreas: ['neck'],
        patchTestMaxDepthUm: 100,
        minClientAgeYears: 25,
        screeningMaxAgeHours: 2,
        batteryReservePercent: 30,
        batteryDrainPercentPerMinute: 2,
        secondsPerPassEstimate: 90,
      }),
    );
    const looser: Record<TreatmentConfigField, unknown> = {
      homeMaxDepthUm: 250,
      proMaxDepthUm: 1550,
      maxPassesPerArea: 5,
      homeMinIntervalDays: 13,
      proMinIntervalDays: 41,
      patchTestMinWaitHours: 47,
      patchTestAreas: ['neck', 'jawline'],
      patchTestMaxDepthUm: 150,
      patchTestMaxPasses: 1,
      minClientAgeYears: 24,
      screeningMaxAgeHours: 3,
      batteryReservePercent: 29,
      batteryDrainPercentPerMinute: 1.5,
      secondsPerPassEstimate: 89,
    };
    for (const [field, value] of Object.entries(looser)) {
      if (field === 'patchTestMaxPasses') continue;
      const result = tightenTreatmentConfig(base, { maxPassesPerArea: 3, [field]: value });
      expect(result.ok, field).toBe(false);
      if (!result.ok) {
        expect(result.errors.map((error) => error.field)).toEqual([field]);
        expect(result.errors[0]?.message).toContain('never loosen');
      }
    }
  });

  it('the home cap can never exceed 0.25 mm, whatever the profile', () => {
    const result = tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, { homeMaxDepthUm: 300 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.field).toBe('homeMaxDepthUm');
  });

  it('S4: invalid override values are refused like in a config file', () => {
    const result = tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, { homeMaxDepthUm: NaN, proMaxDepthUm: null });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((error) => error.field).sort()).toEqual(['homeMaxDepthUm', 'proMaxDepthUm']);
  });

  it('property: any accepted profile leaves every limit at least as tight as its base', () => {
    const overrideArb = fc.record(
      {
        homeMaxDepthUm: fc.integer({ min: -10, max: 400 }),
        proMaxDepthUm: fc.integer({ min: -10, max: 3000 }),
        maxPassesPerArea: fc.integer({ min: 0, max: 10 }),
        homeMinIntervalDays: fc.integer({ min: 0, max: 400 }),
        proMinIntervalDays: fc.integer({ min: 0, max: 400 }),
        patchTestMinWaitHours: fc.integer({ min: 0, max: 400 }),
        minClientAgeYears: fc.integer({ min: 0, max: 130 }),
        batteryReservePercent: fc.integer({ min: 0, max: 110 }),
        patchTestAreas: fc.subarray(['jawline', 'neck', 'cheeks']),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(overrideArb, overrideArb, (first, second) => {
        const once = tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, first);
        const base = once.ok ? once.config : DEFAULT_TREATMENT_CONFIG;
        const result = tightenTreatmentConfig(base, second);
        if (!result.ok) return;
        const config = result.config;
        expect(config.homeMaxDepthUm).toBeLessThanOrEqual(Math.min(base.homeMaxDepthUm, 250));
        expect(config.proMaxDepthUm).toBeLessThanOrEqual(base.proMaxDepthUm);
        expect(config.maxPassesPerArea).toBeLessThanOrEqual(Math.min(base.maxPassesPerArea, 6));
        expect(config.homeMinIntervalDays).toBeGreaterThanOrEqual(Math.max(base.homeMinIntervalDays, 7));
        expect(config.proMinIntervalDays).toBeGreaterThanOrEqual(Math.max(base.proMinIntervalDays, 28));
        expect(config.patchTestMinWaitHours).toBeGreaterThanOrEqual(base.patchTestMinWaitHours);
        expect(config.minClientAgeYears).toBeGreaterThanOrEqual(Math.max(base.minClientAgeYears, 22));
        expect(config.batteryReservePercent).toBeGreaterThanOrEqual(base.batteryReservePercent);
        for (const area of config.patchTestAreas) expect(base.patchTestAreas).toContain(area);
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });
});
