// Effective depth cap (S2), quantisation to the actuator step (S3), safe handling of bad settings (S4), speed range (S7).
import { DEPTH_RANGE_UM, DEPTH_STEP_UM, STROKE_RANGE_HZ } from '../protocol/index.js';

/** The caps that may bind a commanded depth. */
export type CapKind = 'sku' | 'mode' | 'area' | 'credential' | 'profile' | 'plan';

/**
 * Candidate caps in micrometres. sku, mode and area always apply; credential (a professional
 * unlock's maxDepthUm), profile and plan apply when not `undefined`. Values are `unknown` on purpose: anything that is not a finite number >= 0 is
 * rejected and binds at 0 um (S4).
 */
export interface CapSet {
  readonly skuUm: unknown;
  readonly modeUm: unknown;
  readonly areaUm: unknown;
  readonly credentialUm?: unknown;
  readonly profileUm?: unknown;
  readonly planUm?: unknown;
}

export interface EffectiveCap {
  /** The cap in um: the minimum of every applicable cap, within the protocol range 0-2500. */
  readonly capUm: number;
  /** Which cap binds. On a tie: plan, profile, credential, area, mode, sku (a plan asking exactly a cap is not clamped). */
  readonly binding: CapKind;
  /** Caps that were missing or not a finite number >= 0 (each bound at 0 um). */
  readonly invalid: readonly CapKind[];
}

const TIE_ORDER: readonly CapKind[] = ['plan', 'profile', 'credential', 'area', 'mode', 'sku'];

/** True for a finite number >= 0. */
export function isFiniteNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Minimum of every applicable cap (S2): a lower device cap always wins over the plan.
 * NOTE: a missing or malformed cap becomes 0 um (no depth), never unbounded (S4); a cap above
 * the protocol maximum counts as the protocol maximum.
 */
export function effectiveCapUm(caps: CapSet): EffectiveCap {
  const values: Record<CapKind, unknown> = {
    sku: caps.skuUm,
    mode: caps.modeUm,
    area: caps.areaUm,
    credential: caps.credentialUm,
    profile: caps.profileUm,
    plan: caps.planUm,
  };
  const invalid: CapKind[] = [];
  let capUm: number = DEPTH_RANGE_UM.max;
  let binding: CapKind = 'sku';
  let bound = false;
  for (const kind of TIE_ORDER) {
    const raw = values[kind];
    if ((kind === 'plan' || kind === 'profile' || kind === 'credential') && raw === undefined) continue;
    let valueUm: number;
    if (isFiniteNonNegative(raw)) valueUm = Math.min(raw, DEPTH_RANGE_UM.max) || 0;
    else {
      invalid.push(kind);
      valueUm = 0;
    }
    if (!bound || valueUm < capUm) {
      capUm = valueUm;
      binding = kind;
      bound = true;
    }
  }
  return { capUm, binding, invalid };
}

/**
 * Floors a depth to the actuator step (S3): never rounds up past a cap. A value that is not a
 * finite number >= 0 gives 0; a step that is not a finite number > 0 is replaced by the
 * protocol step (50 um).
 */
export function floorToStepUm(valueUm: unknown, stepUm: unknown = DEPTH_STEP_UM): number {
  if (!isFiniteNonNegative(valueUm)) return 0;
  const step = typeof stepUm === 'number' && Number.isFinite(stepUm) && stepUm > 0 ? stepUm : DEPTH_STEP_UM;
  return Math.floor(valueUm / step) * step || 0;
}

export interface StrokeRangeHz {
  readonly minHz: number;
  readonly maxHz: number;
}

export interface StrokeDecision {
  readonly strokeHz: number;
  /** The request was outside the range (or fractional) and was moved into it. */
  readonly clamped: boolean;
  /** The request was not a finite number: the range's lowest rate was used (S4). */
  readonly invalid: boolean;
}

/**
 * Intersection of the protocol stroke range (50-150 Hz) with a pen's reported range, or null when
 * they do not overlap or the pen's figures are not numbers (the pen's limits are implausible).
 */
export function strokeRangeWithin(penMinHz: unknown, penMaxHz: unknown): StrokeRangeHz | null {
  if (!isFiniteNonNegative(penMinHz) || !isFiniteNonNegative(penMaxHz)) return null;
  const minHz = Math.max(STROKE_RANGE_HZ.min, Math.ceil(penMinHz));
  const maxHz = Math.min(STROKE_RANGE_HZ.max, Math.floor(penMaxHz));
  return minHz <= maxHz ? { minHz, maxHz } : null;
}

/**
 * Stroke rate within the range (S7), floored to a whole Hz. NOTE: a value that is not a finite
 * number falls back to the range's lowest rate, the gentlest one.
 */
export function strokeHzWithinRange(requestedHz: unknown, range: StrokeRangeHz = toRange()): StrokeDecision {
  if (typeof requestedHz !== 'number' || !Number.isFinite(requestedHz)) {
    return { strokeHz: range.minHz, clamped: true, invalid: true };
  }
  const strokeHz = Math.min(range.maxHz, Math.max(range.minHz, Math.floor(requestedHz)));
  return { strokeHz, clamped: strokeHz !== requestedHz, invalid: false };
}

function toRange(): StrokeRangeHz {
  return { minHz: STROKE_RANGE_HZ.min, maxHz: STROKE_RANGE_HZ.max };
}
