// Treatment areas, modes and their depth caps (domain.md "Modes and depth caps", "Per-area professional caps").
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';

/** Treatment mode: a lay user at home, or a trained clinician ("professional"). */
export type Mode = 'home' | 'pro';
export const MODES: readonly Mode[] = ['home', 'pro'];

/** Stable area ids, in the order of domain.md. */
export const AREA_IDS = [
  'periorbital',
  'forehead',
  'nose',
  'perioral',
  'neck',
  'decollete',
  'hands',
  'chin',
  'jawline',
  'cheeks',
  'scalp',
  'body',
] as const;
export type AreaId = (typeof AREA_IDS)[number];

/** NOTE: home cap is a product policy (no regulation sets one): the home SKU maximum of the limits table. */
export const HOME_CAP_UM = HOME_MAX_DEPTH_UM;
/** Professional mode's absolute maximum (clinic devices reach 2.5 mm): the pro SKU maximum. */
export const PRO_CAP_UM = PRO_MAX_DEPTH_UM;

/**
 * Professional per-area caps, micrometres. Weak sources: defaults that a signed clinic profile
 * may only lower. NOTE: periorbital stays at the home cap (never inside the orbital rim).
 */
export const PRO_AREA_CAP_UM: Readonly<Record<AreaId, number>> = Object.freeze({
  periorbital: HOME_MAX_DEPTH_UM,
  forehead: 500,
  nose: 500,
  perioral: 500,
  neck: 500,
  decollete: 500,
  hands: 500,
  chin: 1000,
  jawline: 1000,
  cheeks: 1500,
  scalp: 1500,
  body: PRO_MAX_DEPTH_UM,
});

export { DEFAULT_STROKE_HZ, MAX_PASSES_PER_AREA } from '../limits/index.js';

/** True when `value` is one of the known area ids. */
export function isAreaId(value: unknown): value is AreaId {
  return typeof value === 'string' && (AREA_IDS as readonly string[]).includes(value);
}

/**
 * Mode cap in micrometres. `proUnlocked` must be true for the professional cap to apply:
 * NOTE: a locked professional session gets the home cap (S9: pro depth unreachable without unlock).
 */
export function modeCapUm(mode: Mode, proUnlocked = true): number {
  return mode === 'pro' && proUnlocked ? PRO_CAP_UM : HOME_CAP_UM;
}

/** Area cap in micrometres for a mode: the home cap for every home area, the table above for pro. */
export function areaCapUm(mode: Mode, area: AreaId): number {
  return mode === 'pro' ? PRO_AREA_CAP_UM[area] : HOME_CAP_UM;
}
