// Treatment plan file: zod schema, field-naming validation and cap checks before anything is sent.
import { z } from 'zod';
import { STROKE_RANGE_HZ } from '../protocol/index.js';
import {
  AREA_IDS,
  DEFAULT_STROKE_HZ,
  MAX_PASSES_PER_AREA,
  MODES,
  PRO_AREA_CAP_UM,
  isAreaId,
  modeCapUm,
  type AreaId,
  type Mode,
} from './areas.js';
import { PolicyReason, type PolicyReasonCode } from './reasons.js';

const areaSchema = z.strictObject({
  area: z.enum(AREA_IDS),
  depthMm: z.number().positive(),
  passes: z.int().min(1).max(MAX_PASSES_PER_AREA),
  strokeHz: z.int().min(STROKE_RANGE_HZ.min).max(STROKE_RANGE_HZ.max).default(DEFAULT_STROKE_HZ),
});

/** Schema of a plan file. Unknown keys are refused everywhere (a typo must not pass silently). */
export const planSchema = z.strictObject({
  mode: z.enum(MODES as [Mode, ...Mode[]]),
  areas: z.array(areaSchema).min(1),
  operator: z
    .strictObject({
      /** Tells the scripted operator to try this many passes per area (may exceed the limit: it must be refused). */
      attemptPasses: z.int().min(1).max(20).optional(),
    })
    .optional(),
});

export interface PlanArea {
  readonly area: AreaId;
  readonly depthMm: number;
  /** depthMm in micrometres (float noise removed at 0.001 um). */
  readonly depthUm: number;
  /** Pass limit the plan asks for, 1..6. */
  readonly passes: number;
  readonly strokeHz: number;
}

export interface OperatorScript {
  readonly attemptPasses?: number;
  readonly [key: string]: unknown;
}

export interface Plan {
  readonly mode: Mode;
  readonly areas: readonly PlanArea[];
  readonly operator?: OperatorScript;
}

export interface PlanError {
  /** The field, as `areas[1].depthMm`; `plan` for the document itself. */
  readonly field: string;
  readonly reason: PolicyReasonCode;
  readonly message: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };

/** Millimetres to micrometres, exact to 0.001 um (0.57 mm is 570 um, not 569.999...). */
export function depthMmToUm(depthMm: number): number {
  return Math.round(depthMm * 1e6) / 1e3;
}

/**
 * Validates a parsed JSON plan. Every problem is reported, each naming its field and a reason
 * code: wrong types and unknown keys (INVALID_FIELD), an unknown area (UNKNOWN_AREA), an area
 * listed twice (DUPLICATE_AREA), passes above 6 (PASSES_ABOVE_LIMIT), a stroke rate outside
 * 50-150 Hz (SPEED_OUT_OF_RANGE), a depth above the mode cap (DEPTH_ABOVE_MODE_CAP: home
 * 0.25 mm, pro 2.5 mm) or, in professional mode, above the area cap (DEPTH_ABOVE_AREA_CAP).
 * Never throws.
 */
export function parsePlan(json: unknown): PlanResult {
  const parsed = planSchema.safeParse(json);
  const errors: PlanError[] = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueToErrors(issue, json));
  errors.push(...checkCaps(json), ...checkDuplicates(json));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const { mode, areas, operator } = parsed.data;
  const plan: Plan = {
    mode,
    areas: areas.map((entry) => ({ ...entry, depthUm: depthMmToUm(entry.depthMm) })),
    ...(operator === undefined ? {} : { operator }),
  };
  return { ok: true, plan };
}

/** Formats a path as `areas[1].depthMm`; the empty path is `plan`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let field = '';
  for (const key of path) {
    if (typeof key === 'number') field += `[${key}]`;
    else field += field === '' ? String(key) : `.${String(key)}`;
  }
  return field === '' ? 'plan' : field;
}

function issueToErrors(issue: z.core.$ZodIssue, json: unknown): PlanError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: fieldName([...issue.path, key]),
      reason: PolicyReason.INVALID_FIELD,
      message: `unknown field "${key}"`,
    }));
  }
  const last = issue.path[issue.path.length - 1];
  let reason: PolicyReasonCode = PolicyReason.INVALID_FIELD;
  if (last === 'area' && issue.code === 'invalid_value' && typeof valueAt(json, issue.path) === 'string') {
    reason = PolicyReason.UNKNOWN_AREA;
  } else if (last === 'passes' && issue.code === 'too_big') reason = PolicyReason.PASSES_ABOVE_LIMIT;
  else if (last === 'strokeHz' && (issue.code === 'too_big' || issue.code === 'too_small')) {
    reason = PolicyReason.SPEED_OUT_OF_RANGE;
  }
  return [{ field: fieldName(issue.path), reason, message: issue.message }];
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function rawAreas(json: unknown): unknown[] {
  const areas = valueAt(json, ['areas']);
  return Array.isArray(areas) ? areas : [];
}

/** Depth cap checks on every well-typed entry, so they are reported alongside type errors. */
function checkCaps(json: unknown): PlanError[] {
  const mode = valueAt(json, ['mode']);
  if (mode !== 'home' && mode !== 'pro') return [];
  const errors: PlanError[] = [];
  rawAreas(json).forEach((entry, index) => {
    const area = valueAt(entry, ['area']);
    const depthMm = valueAt(entry, ['depthMm']);
    if (!isAreaId(area) || typeof depthMm !== 'number' || !Number.isFinite(depthMm)) return;
    // NOTE: compared unrounded: 0.2500001 mm is above a 0.25 mm cap and refused, never floored to it (S1).
    const depthUm = depthMm * 1000;
    const field = fieldName(['areas', index, 'depthMm']);
    const modeCap = modeCapUm(mode);
    if (isAbove(depthUm, modeCap)) {
      errors.push({
        field,
        reason: PolicyReason.DEPTH_ABOVE_MODE_CAP,
        message: `${depthMm} mm is above the ${mode} mode cap of ${modeCap / 1000} mm`,
      });
    } else if (mode === 'pro' && isAbove(depthUm, PRO_AREA_CAP_UM[area])) {
      errors.push({
        field,
        reason: PolicyReason.DEPTH_ABOVE_AREA_CAP,
        message: `${depthMm} mm is above the ${area} cap of ${PRO_AREA_CAP_UM[area] / 1000} mm`,
      });
    }
  });
  return errors;
}

/** Float noise of a mm -> um product (0.57 * 1000 = 569.9999999999999) is far below this, um. */
const DEPTH_NOISE_UM = 1e-9;

function isAbove(depthUm: number, capUm: number): boolean {
  return depthUm > capUm + DEPTH_NOISE_UM;
}

function checkDuplicates(json: unknown): PlanError[] {
  const seen = new Set<string>();
  const errors: PlanError[] = [];
  rawAreas(json).forEach((entry, index) => {
    const area = valueAt(entry, ['area']);
    if (!isAreaId(area)) return;
    if (seen.has(area)) {
      errors.push({
        field: fieldName(['areas', index, 'area']),
        reason: PolicyReason.DUPLICATE_AREA,
        message: `${area} is listed more than once`,
      });
    }
    seen.add(area);
  });
  return errors;
}
