// Tests of the clinic profile document: tighten-only (PROFILE_LOOSENS naming the field), validation, and the caps it binds (S2, S4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AREA_IDS, PRO_AREA_CAP_UM, modeCapUm, areaCapUm, type AreaId } from './areas.js';
import { effectiveCapUm } from './caps.js';
import { DEFAULT_EXPOSURE_BUDGETS } from './exposure.js';
import { applyProfile, bindPassLimit, profileCapUm, profileCapsUm, type EffectiveProfile } from './profile.js';
import { PolicyReason } from './reasons.js';
import { DEFAULT_TREATMENT_CONFIG } from './treatment-config.js';

const profileOf = (document: unknown): EffectiveProfile => {
  const result = applyProfile(document);
  if (!result.ok) throw new Error(`expected a profile: ${JSON.stringify(result.refusals)}`);
  return result.profile;
};
const refusalsOf = (document: unknown) => {
  const result = applyProfile(document);
  if (result.ok) throw new Error('expected a refusal');
  return result.refusals.map((r) => `${r.field}:${r.reason}`);
};

describe('applyProfile', () => {
  it('a profile with only a name binds the product defaults', () => {
    const profile = profileOf({ name: 'Defaults' });
    expect(profile.treatment).toEqual(DEFAULT_TREATMENT_CONFIG);
    expect(profile.areaCapsUm).toEqual({});
    expect(profile.exposureBudgets).toEqual(DEFAULT_EXPOSURE_BUDGETS);
    expect(Object.values(profile.passLimitsByArea)).toEqual(AREA_IDS.map(() => 6));
  });

  it('tightened caps, pass limits, budgets and rules are what it binds', () => {
    const profile = profileOf({
      name: 'Rose Clinic face',
      areaCapsUm: { cheeks: 1200, forehead: 300 },
      areaPassLimits: { cheeks: 4 },
      exposureBudgets: { areaPunctures: 500_000 },
      treatment: { maxPassesPerArea: 5, proMinIntervalDays: 42, proMaxDepthUm: 2000 },
    });
    expect(profile.areaCapsUm).toEqual({ cheeks: 1200, forehead: 300 });
    expect(profile.passLimitsByArea.cheeks).toBe(4);
    expect(profile.passLimitsByArea.chin).toBe(5);
    expect(profile.exposureBudgets).toEqual({ ...DEFAULT_EXPOSURE_BUDGETS, areaPunctures: 500_000 });
    expect(profile.treatment.proMinIntervalDays).toBe(42);
    expect(profileCapUm(profile, 'pro', 'cheeks')).toBe(1200);
    expect(profileCapUm(profile, 'pro', 'body')).toBe(2000);
    expect(profileCapUm(profile, 'home', 'body')).toBeUndefined();
    expect(profileCapsUm(profile, 'home')).toEqual({ cheeks: 1200, forehead: 300 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a higher area cap', { areaCapsUm: { cheeks: 1550 } }, 'areaCapsUm.cheeks'],
    ['a periorbital cap above the home cap', { areaCapsUm: { periorbital: 300 } }, 'areaCapsUm.periorbital'],
    ['a 7th pass', { areaPassLimits: { chin: 7 } }, 'areaPassLimits.chin'],
    ['a larger budget', { exposureBudgets: { sessionContactMs: 40 * 60_000 + 1 } }, 'exposureBudgets.sessionContactMs'],
    ['a deeper professional cap', { treatment: { proMaxDepthUm: 3000 } }, 'treatment.proMaxDepthUm'],
    ['a deeper home cap', { treatment: { homeMaxDepthUm: 300 } }, 'treatment.homeMaxDepthUm'],
    ['more passes', { treatment: { maxPassesPerArea: 8 } }, 'treatment.maxPassesPerArea'],
    ['a shorter professional interval', { treatment: { proMinIntervalDays: 14 } }, 'treatment.proMinIntervalDays'],
    ['a shorter home interval', { treatment: { homeMinIntervalDays: 3 } }, 'treatment.homeMinIntervalDays'],
    ['a shorter patch-test wait', { treatment: { patchTestMinWaitHours: 12 } }, 'treatment.patchTestMinWaitHours'],
    ['a new patch-test area', { treatment: { patchTestAreas: ['jawline', 'cheeks'] } }, 'treatment.patchTestAreas'],
    ['a younger client', { treatment: { minClientAgeYears: 18 } }, 'treatment.minClientAgeYears'],
    ['a smaller battery reserve', { treatment: { batteryReservePercent: 5 } }, 'treatment.batteryReservePercent'],
    ['older screening answers', { treatment: { screeningMaxAgeHours: 48 } }, 'treatment.screeningMaxAgeHours'],
  ])('S2: %s is PROFILE_LOOSENS naming %s', (_label, change, field) => {
    expect(refusalsOf({ name: 'x', ...change })).toEqual([`${field}:${PolicyReason.PROFILE_LOOSENS}`]);
  });

  it('S2: every loosening is listed, and nothing is applied', () => {
    const refusals = refusalsOf({
      name: 'x',
      areaCapsUm: { cheeks: 2000, chin: 900 },
      areaPassLimits: { cheeks: 9 },
      treatment: { proMinIntervalDays: 7, proMaxDepthUm: 2000 },
    });
    expect(refusals).toEqual([
      `areaCapsUm.cheeks:${PolicyReason.PROFILE_LOOSENS}`,
      `areaPassLimits.cheeks:${PolicyReason.PROFILE_LOOSENS}`,
      `treatment.proMinIntervalDays:${PolicyReason.PROFILE_LOOSENS}`,
    ]);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'profile', '(document)'],
    ['no name', { areaCapsUm: {} }, 'name'],
    ['an unknown field', { name: 'x', depthCapUm: 100 }, 'depthCapUm'],
    ['an unknown area', { name: 'x', areaCapsUm: { elbow: 100 } }, 'areaCapsUm.elbow'],
    ['a negative cap', { name: 'x', areaCapsUm: { cheeks: -1 } }, 'areaCapsUm.cheeks'],
    ['a cap as a string', { name: 'x', areaCapsUm: { cheeks: '1000' } }, 'areaCapsUm.cheeks'],
    ['a NaN cap', { name: 'x', areaCapsUm: { cheeks: NaN } }, 'areaCapsUm.cheeks'],
    [
      'an infinite budget',
      { name: 'x', exposureBudgets: { areaPunctures: Infinity } },
      'exposureBudgets.areaPunctures',
    ],
    ['a fractional pass limit', { name: 'x', areaPassLimits: { cheeks: 2.5 } }, 'areaPassLimits.cheeks'],
    ['zero passes', { name: 'x', areaPassLimits: { cheeks: 0 } }, 'areaPassLimits.cheeks'],
    ['an unknown treatment field', { name: 'x', treatment: { sessionsPerWeek: 1 } }, 'treatment'],
    ['a treatment null value', { name: 'x', treatment: { proMaxDepthUm: null } }, 'treatment.proMaxDepthUm'],
    ['treatment not an object', { name: 'x', treatment: [1] }, 'treatment'],
  ])('S4: %s is PROFILE_INVALID naming %s', (_label, document, field) => {
    expect(refusalsOf(document)).toContain(`${field}:${PolicyReason.PROFILE_INVALID}`);
  });

  it('S2 property: a random cap per area at most the default is accepted; one above it is refused naming that area', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AREA_IDS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (area, fraction, excess) => {
          const defaultUm = PRO_AREA_CAP_UM[area];
          const within = Math.floor(defaultUm * fraction);
          expect(profileOf({ name: 'x', areaCapsUm: { [area]: within } }).areaCapsUm[area]).toBe(within);
          expect(refusalsOf({ name: 'x', areaCapsUm: { [area]: defaultUm + excess } })).toEqual([
            `areaCapsUm.${area}:${PolicyReason.PROFILE_LOOSENS}`,
          ]);
        },
      ),
    );
  });
});

describe('the caps a profile binds', () => {
  it('S2 property: with a profile cap the effective cap is the minimum, and profile binds when it is strictly lowest', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AREA_IDS),
        fc.constantFrom<'home' | 'pro'>('home', 'pro'),
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.option(fc.integer({ min: 0, max: 2500 })),
        (area: AreaId, mode, areaFraction, modeCap, planUm) => {
          const capUm = Math.min(areaFraction, PRO_AREA_CAP_UM[area]);
          const proMaxDepthUm = Math.min(modeCap, 2500);
          const profile = profileOf({ name: 'x', areaCapsUm: { [area]: capUm }, treatment: { proMaxDepthUm } });
          const profileUm = profileCapUm(profile, mode, area);
          const caps = {
            skuUm: 2500,
            modeUm: modeCapUm(mode),
            areaUm: areaCapUm(mode, area),
            profileUm,
            ...(planUm === null ? {} : { planUm }),
          };
          const effective = effectiveCapUm(caps);
          const all = [caps.skuUm, caps.modeUm, caps.areaUm, profileUm!, ...(planUm === null ? [] : [planUm])];
          expect(effective.capUm).toBe(Math.min(...all));
          const others = [caps.skuUm, caps.modeUm, caps.areaUm, ...(planUm === null ? [] : [planUm])];
          if (profileUm! < Math.min(...others)) expect(effective.binding).toBe('profile');
        },
      ),
    );
  });

  it('S2: a profile cap that binds alone is named profile', () => {
    const profile = profileOf({ name: 'x', areaCapsUm: { cheeks: 800 } });
    const effective = effectiveCapUm({
      skuUm: 2500,
      modeUm: 2500,
      areaUm: 1500,
      profileUm: profileCapUm(profile, 'pro', 'cheeks'),
      planUm: 1000,
    });
    expect(effective).toEqual({ capUm: 800, binding: 'profile', invalid: [] });
  });

  it('S5: bindPassLimit takes the lower of plan and profile (plan on a tie)', () => {
    const profile = profileOf({ name: 'x', areaPassLimits: { cheeks: 3 } });
    expect(bindPassLimit(6, profile, 'cheeks')).toEqual({ passLimit: 3, binding: 'profile' });
    expect(bindPassLimit(3, profile, 'cheeks')).toEqual({ passLimit: 3, binding: 'plan' });
    expect(bindPassLimit(2, profile, 'chin')).toEqual({ passLimit: 2, binding: 'plan' });
  });
});
