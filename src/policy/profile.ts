// Clinic profile document: per-area caps and pass limits, budgets and treatment rules that may only tighten the product's.
import { z } from 'zod';
import { AREA_IDS, MAX_PASSES_PER_AREA, PRO_AREA_CAP_UM, type AreaId, type Mode } from './areas.js';
import { DEFAULT_EXPOSURE_BUDGETS, type ExposureBudgets } from './exposure.js';
import { PolicyReason } from './reasons.js';
import { displayText, fieldPath, issuesToRefusals, type TrustRefusal } from './signed-token.js';
import {
  DEFAULT_TREATMENT_CONFIG,
  loosenedFields,
  modeMaxDepthUm,
  tightenTreatmentConfig,
  type TreatmentConfig,
} from './treatment-config.js';

/** Per-area values: only known area ids (an unknown one is refused naming it). */
const perArea = (value: z.ZodNumber) => z.partialRecord(z.enum(AREA_IDS), value);

const BUDGET_FIELDS = Object.keys(DEFAULT_EXPOSURE_BUDGETS) as (keyof ExposureBudgets)[];

/**
 * The profile document a clinic writes and signs. Values have no upper bound here on purpose: a
 * value above the product default is reported PROFILE_LOOSENS naming its field, not as a type error.
 */
export const clinicProfileSchema = z.strictObject({
  /** The profile's name, shown with the clinic's key name. */
  name: displayText(200),
  /** Per-area depth caps, um; each at most the product's professional area cap. */
  areaCapsUm: perArea(z.int().min(0)).optional(),
  /** Per-area pass limits per session; each at most 6. */
  areaPassLimits: perArea(z.int().min(1)).optional(),
  /** Exposure budgets (S6); each at most the product default. */
  exposureBudgets: z.partialRecord(z.enum(BUDGET_FIELDS), z.number().min(0)).optional(),
  /** Treatment-rule fields (`treatmentConfigSchema`): intervals, waits, ages, mode caps, battery margin. */
  treatment: z.unknown().optional(),
});

/** What a profile makes the controller bind: the settings after tightening, as plain data. */
export interface EffectiveProfile {
  readonly name: string;
  /** The treatment rules with the profile's fields applied. */
  readonly treatment: TreatmentConfig;
  /** Per-area caps the profile names, um (each below or at the product area cap). */
  readonly areaCapsUm: Readonly<Partial<Record<AreaId, number>>>;
  /** Pass limit per area: the profile's area limit and its maxPassesPerArea, the lower (at most 6). */
  readonly passLimitsByArea: Readonly<Record<AreaId, number>>;
  readonly exposureBudgets: ExposureBudgets;
}

export type ProfileResult =
  { readonly ok: true; readonly profile: EffectiveProfile } | { readonly ok: false; readonly refusals: TrustRefusal[] };

const loosens = (field: string, detail: string): TrustRefusal => ({
  reason: PolicyReason.PROFILE_LOOSENS,
  field,
  detail: `a clinic profile may tighten, never loosen: ${detail}`,
});

/** Loosening of the caps, pass limits and budgets (the treatment fields are judged by `loosenedFields`). */
function loosenedLimits(document: z.infer<typeof clinicProfileSchema>, root: string): TrustRefusal[] {
  const at = (field: string): string => fieldPath(root, field.split('.'));
  const refusals: TrustRefusal[] = [];
  for (const [area, capUm] of Object.entries(document.areaCapsUm ?? {})) {
    const defaultUm = PRO_AREA_CAP_UM[area as AreaId];
    if (capUm !== undefined && capUm > defaultUm) {
      refusals.push(
        loosens(at(`areaCapsUm.${area}`), `cannot raise the ${area} cap from ${defaultUm} um to ${capUm} um`),
      );
    }
  }
  for (const [area, passes] of Object.entries(document.areaPassLimits ?? {})) {
    if (passes !== undefined && passes > MAX_PASSES_PER_AREA) {
      refusals.push(
        loosens(
          at(`areaPassLimits.${area}`),
          `cannot raise the ${area} pass limit from ${MAX_PASSES_PER_AREA} to ${passes}`,
        ),
      );
    }
  }
  for (const [field, value] of Object.entries(document.exposureBudgets ?? {})) {
    const defaultValue = DEFAULT_EXPOSURE_BUDGETS[field as keyof ExposureBudgets];
    if (value !== undefined && value > defaultValue) {
      refusals.push(loosens(at(`exposureBudgets.${field}`), `cannot raise ${field} from ${defaultValue} to ${value}`));
    }
  }
  return refusals;
}

/**
 * Validates a profile document (parsed JSON) against the product defaults and gives the settings
 * the machine binds. A wrong type, an unknown field, a value out of range: PROFILE_INVALID; a value
 * that loosens a default (a higher cap, more passes, a larger budget, a shorter interval, ...):
 * PROFILE_LOOSENS. Every refusal names its field under `root` (e.g. `profile`). Never throws; on any
 * refusal nothing is applied.
 */
export function applyProfile(document: unknown, root = ''): ProfileResult {
  const parsed = clinicProfileSchema.safeParse(document);
  if (!parsed.success) {
    return { ok: false, refusals: issuesToRefusals(parsed.error.issues, PolicyReason.PROFILE_INVALID, root) };
  }
  const refusals = loosenedLimits(parsed.data, root);
  const treatmentRoot = fieldPath(root, ['treatment']);
  const loosenedTreatment = loosenedFields(DEFAULT_TREATMENT_CONFIG, parsed.data.treatment);
  for (const error of loosenedTreatment) {
    refusals.push({
      reason: PolicyReason.PROFILE_LOOSENS,
      field: `${treatmentRoot}.${error.field}`,
      detail: error.message,
    });
  }
  const tightened = tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, parsed.data.treatment);
  if (!tightened.ok) {
    const judged = new Set(loosenedTreatment.map((error) => error.field));
    for (const error of tightened.errors) {
      if (judged.has(error.field.split('.')[0]!)) continue;
      const field = error.field === '(root)' ? treatmentRoot : `${treatmentRoot}.${error.field}`;
      refusals.push({ reason: PolicyReason.PROFILE_INVALID, field, detail: error.message });
    }
  }
  if (refusals.length > 0 || !tightened.ok) return { ok: false, refusals };
  const treatment = tightened.config;
  const areaCapsUm: Partial<Record<AreaId, number>> = {};
  for (const [area, capUm] of Object.entries(parsed.data.areaCapsUm ?? {})) {
    if (capUm !== undefined) areaCapsUm[area as AreaId] = capUm;
  }
  const limits = parsed.data.areaPassLimits ?? {};
  const passLimitsByArea = Object.fromEntries(
    AREA_IDS.map((area) => [area, Math.min(limits[area] ?? MAX_PASSES_PER_AREA, treatment.maxPassesPerArea)]),
  ) as Record<AreaId, number>;
  const exposureBudgets = { ...DEFAULT_EXPOSURE_BUDGETS, ...definedOnly(parsed.data.exposureBudgets ?? {}) };
  return { ok: true, profile: { name: parsed.data.name, treatment, areaCapsUm, passLimitsByArea, exposureBudgets } };
}

function definedOnly(values: Record<string, number | undefined>): Partial<ExposureBudgets> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/**
 * The profile's depth cap for an area in a mode, um: the lower of its area cap and its mode cap
 * (when it tightened `homeMaxDepthUm` / `proMaxDepthUm`); undefined when it sets neither. This is
 * the `profileUm` of `effectiveCapUm` (S2: when it is the lowest, `profile` binds).
 */
export function profileCapUm(profile: EffectiveProfile, mode: Mode, area: AreaId): number | undefined {
  const modeUm = modeMaxDepthUm(profile.treatment, mode);
  const modeCap = modeUm < modeMaxDepthUm(DEFAULT_TREATMENT_CONFIG, mode) ? modeUm : undefined;
  const areaCap = profile.areaCapsUm[area];
  if (modeCap === undefined) return areaCap;
  return areaCap === undefined ? modeCap : Math.min(areaCap, modeCap);
}

/** Every area's `profileCapUm` in a mode, for the machine's `profileCapsUm` input (areas without one are left out). */
export function profileCapsUm(profile: EffectiveProfile, mode: Mode): Partial<Record<AreaId, number>> {
  const caps: Partial<Record<AreaId, number>> = {};
  for (const area of AREA_IDS) {
    const capUm = profileCapUm(profile, mode, area);
    if (capUm !== undefined) caps[area] = capUm;
  }
  return caps;
}

/** The pass limit of a plan area under a profile: the lower of the two, and which binds (plan on a tie). */
export function bindPassLimit(
  planPasses: number,
  profile: EffectiveProfile,
  area: AreaId,
): { readonly passLimit: number; readonly binding: 'plan' | 'profile' } {
  const profileLimit = profile.passLimitsByArea[area];
  return profileLimit < planPasses
    ? { passLimit: profileLimit, binding: 'profile' }
    : { passLimit: planPasses, binding: 'plan' };
}
