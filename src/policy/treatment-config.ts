// Treatment-rule defaults in one validated configuration; a clinic profile may only tighten them.
import { z } from 'zod';
import { HOME_MAX_DEPTH_UM, MAX_PASSES_PER_AREA, PRO_MAX_DEPTH_UM } from '../limits/index.js';

/** Treatment mode, as in plans: lay user at home, or a trained clinician. */
export type TreatmentMode = 'home' | 'pro';
export const TREATMENT_MODES: readonly TreatmentMode[] = ['home', 'pro'];

/** Areas a patch test may be done on (domain.md: a small area, jawline or neck). */
export const PATCH_TEST_AREA_CHOICES = ['jawline', 'neck'] as const;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Field schemas. Each range's bounds are the product's absolute limits (S4): no file can ask for
 * more than these.
 */
const bounded = {
  /** NOTE: home cap is a product policy of 0.25 mm; never above it. */
  homeMaxDepthUm: int(0, HOME_MAX_DEPTH_UM),
  proMaxDepthUm: int(0, PRO_MAX_DEPTH_UM),
  /** NOTE: 4-6 passes per area is the guidance; the controller never allows more than 6. */
  maxPassesPerArea: int(1, MAX_PASSES_PER_AREA),
  homeMinIntervalDays: int(7, 365),
  proMinIntervalDays: int(28, 365),
  patchTestMinWaitHours: int(24, 24 * 14),
  patchTestAreas: z.array(z.enum(PATCH_TEST_AREA_CHOICES)).min(1),
  patchTestMaxDepthUm: int(50, HOME_MAX_DEPTH_UM),
  patchTestMaxPasses: int(1, 1),
  /** NOTE: 22 is the age for which the FDA cleared the procedure. */
  minClientAgeYears: int(22, 120),
  /** Screening answers older than this are refused as expired: health can change. */
  screeningMaxAgeHours: int(1, 24),
  batteryReservePercent: int(10, 100),
  batteryDrainPercentPerMinute: z.number().min(0.5).max(100),
  /** Planning estimate of one pass plus the move to the next, for the battery check. */
  secondsPerPassEstimate: int(10, 600),
};

const fullSchema = z.strictObject(bounded);
/** A configuration document or clinic profile: any subset of the fields, nothing else. */
export const treatmentConfigSchema = fullSchema.partial();

/** The validated configuration every treatment rule reads. */
export type TreatmentConfig = z.infer<typeof fullSchema>;
export type TreatmentConfigField = keyof TreatmentConfig;

/** The product defaults: the safe value a missing field takes. */
export const DEFAULT_TREATMENT_CONFIG: TreatmentConfig = Object.freeze({
  homeMaxDepthUm: HOME_MAX_DEPTH_UM,
  proMaxDepthUm: PRO_MAX_DEPTH_UM,
  maxPassesPerArea: MAX_PASSES_PER_AREA,
  homeMinIntervalDays: 7,
  proMinIntervalDays: 28,
  patchTestMinWaitHours: 24,
  patchTestAreas: Object.freeze(['jawline', 'neck']) as TreatmentConfig['patchTestAreas'],
  patchTestMaxDepthUm: HOME_MAX_DEPTH_UM,
  patchTestMaxPasses: 1,
  minClientAgeYears: 22,
  screeningMaxAgeHours: 24,
  batteryReservePercent: 20,
  batteryDrainPercentPerMinute: 1,
  secondsPerPassEstimate: 45,
});

/** How a field may move when a clinic tightens it. */
type TightenDirection = 'lower' | 'higher' | 'subset';

const TIGHTEN: Readonly<Record<TreatmentConfigField, TightenDirection>> = {
  homeMaxDepthUm: 'lower',
  proMaxDepthUm: 'lower',
  maxPassesPerArea: 'lower',
  homeMinIntervalDays: 'higher',
  proMinIntervalDays: 'higher',
  patchTestMinWaitHours: 'higher',
  patchTestAreas: 'subset',
  patchTestMaxDepthUm: 'lower',
  patchTestMaxPasses: 'lower',
  minClientAgeYears: 'higher',
  screeningMaxAgeHours: 'lower',
  batteryReservePercent: 'higher',
  batteryDrainPercentPerMinute: 'higher',
  secondsPerPassEstimate: 'higher',
};

export interface ConfigError {
  /** Field path, e.g. `homeMaxDepthUm` or `patchTestAreas.1`. */
  readonly field: string;
  readonly message: string;
}

export type ConfigResult = { ok: true; config: TreatmentConfig } | { ok: false; errors: ConfigError[] };

function issuesToErrors(issues: readonly z.core.$ZodIssue[]): ConfigError[] {
  return issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return { field: field === '' ? '(root)' : field, message: `${issue.message}${keys}` };
  });
}

/**
 * Validates a configuration document (parsed JSON). Missing fields take the safe default; a value
 * of the wrong type, NaN, Infinity, null, out of range or an unknown key is an error naming the
 * field (S4). Never throws.
 */
export function parseTreatmentConfig(json: unknown): ConfigResult {
  const parsed = treatmentConfigSchema.safeParse(json ?? {});
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues) };
  return { ok: true, config: withDefaults(DEFAULT_TREATMENT_CONFIG, parsed.data) };
}

function withDefaults(base: TreatmentConfig, values: Partial<TreatmentConfig>): TreatmentConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(values)) if (value !== undefined) merged[key] = value;
  return Object.freeze(merged as TreatmentConfig);
}

function loosens(direction: TightenDirection, base: unknown, proposed: unknown): boolean {
  if (direction === 'subset') {
    const allowed = new Set(base as readonly string[]);
    return (proposed as readonly string[]).some((item) => !allowed.has(item));
  }
  if (direction === 'lower') return (proposed as number) > (base as number);
  return (proposed as number) < (base as number);
}

/**
 * Fields of `overrides` (raw, unvalidated) whose value would loosen `base`: a higher cap, more
 * passes, a shorter interval or wait, a younger age, a smaller battery margin, a new patch-test
 * area. Only finite numbers and arrays are judged (anything else is a validation error, not a
 * loosening). Each error names its field. Never throws.
 */
export function loosenedFields(base: TreatmentConfig, overrides: unknown): ConfigError[] {
  if (typeof overrides !== 'object' || overrides === null) return [];
  const errors: ConfigError[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(TIGHTEN, key)) continue;
    const field = key as TreatmentConfigField;
    const direction = TIGHTEN[field];
    const judged = direction === 'subset' ? Array.isArray(value) : typeof value === 'number' && Number.isFinite(value);
    if (!judged || !loosens(direction, base[field], value)) continue;
    const verb = direction === 'lower' ? 'raise' : direction === 'higher' ? 'lower' : 'extend';
    errors.push({
      field,
      message: `a clinic profile may tighten, never loosen: cannot ${verb} ${field} from ${JSON.stringify(base[field])} to ${JSON.stringify(value)}`,
    });
  }
  return errors;
}

/**
 * Applies a clinic profile's overrides (parsed JSON, a partial configuration) to `base`. Each value
 * is validated as in `parseTreatmentConfig`; a value that loosens `base` (see `loosenedFields`) is
 * refused with an error naming the field. Never throws; on any error nothing is applied.
 */
export function tightenTreatmentConfig(base: TreatmentConfig, overrides: unknown): ConfigResult {
  const parsed = treatmentConfigSchema.safeParse(overrides ?? {});
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues) };
  const errors = loosenedFields(base, parsed.data);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: withDefaults(base, parsed.data) };
}

/** Minimum days between two sessions on one area for a mode (home 7, pro 28 by default). */
export function minIntervalDays(config: TreatmentConfig, mode: TreatmentMode): number {
  return mode === 'home' ? config.homeMinIntervalDays : config.proMinIntervalDays;
}

/** Mode depth cap in micrometres (home 250, pro 2500 by default). */
export function modeMaxDepthUm(config: TreatmentConfig, mode: TreatmentMode): number {
  return mode === 'home' ? config.homeMaxDepthUm : config.proMaxDepthUm;
}
