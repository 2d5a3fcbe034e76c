// Cumulative exposure per area and per session (S6): punctures and contact time against budgets.
import { isFiniteNonNegative } from './caps.js';
import { PolicyReason, type PolicyReasonCode } from './reasons.js';

export interface ExposureBudgets {
  /** Punctures (strokes x needles) on one area in one session. */
  readonly areaPunctures: number;
  /** Skin contact time on one area in one session, ms. */
  readonly areaContactMs: number;
  readonly sessionPunctures: number;
  readonly sessionContactMs: number;
}

/**
 * Defaults, also the ceilings a configuration may not exceed. Derived from the limits, not from
 * clinical data (none public): an area gets 6 passes of at most 60 s at 150 Hz with a 36-needle
 * cartridge (360 s, 1,944,000 punctures); a session gets 40 min of contact at the same rate.
 */
export const DEFAULT_EXPOSURE_BUDGETS: ExposureBudgets = Object.freeze({
  areaPunctures: 6 * 60 * 150 * 36,
  areaContactMs: 6 * 60_000,
  sessionPunctures: 40 * 60 * 150 * 36,
  sessionContactMs: 40 * 60_000,
});

export interface ExposureUsage {
  readonly punctures: number;
  readonly contactMs: number;
}

export interface BudgetSetting {
  readonly field: keyof ExposureBudgets;
  readonly reason: PolicyReasonCode;
  readonly detail: string;
}

export interface ResolvedBudgets {
  readonly budgets: ExposureBudgets;
  /** Settings that were replaced: not a finite number >= 0 (default used) or above the default (capped). */
  readonly adjusted: readonly BudgetSetting[];
}

const FIELDS: readonly (keyof ExposureBudgets)[] = [
  'areaPunctures',
  'areaContactMs',
  'sessionPunctures',
  'sessionContactMs',
];

/**
 * Budgets from an untrusted settings object (S4): a missing field takes the default; NaN,
 * Infinity, negative or non-number values take the default and are reported SETTING_INVALID;
 * values above the default are capped to it (a configuration may tighten, never loosen).
 */
export function resolveExposureBudgets(settings: unknown): ResolvedBudgets {
  const source = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>) : {};
  const budgets: Record<keyof ExposureBudgets, number> = { ...DEFAULT_EXPOSURE_BUDGETS };
  const adjusted: BudgetSetting[] = [];
  for (const field of FIELDS) {
    const value = source[field];
    const ceiling = DEFAULT_EXPOSURE_BUDGETS[field];
    if (value === undefined) continue;
    if (!isFiniteNonNegative(value)) {
      adjusted.push({
        field,
        reason: PolicyReason.SETTING_INVALID,
        detail: `${field}=${String(value)}: default ${ceiling} used`,
      });
    } else if (value > ceiling) {
      adjusted.push({ field, reason: PolicyReason.SETTING_INVALID, detail: `${field}=${value}: capped to ${ceiling}` });
    } else budgets[field] = value;
  }
  return { budgets, adjusted };
}

/** Punctures delivered by `strokes` with `needleCount` needles (non-finite or negative inputs count 0). */
export function puncturesFor(strokes: number, needleCount: number): number {
  if (!isFiniteNonNegative(strokes) || !isFiniteNonNegative(needleCount)) return 0;
  return strokes * needleCount;
}

export interface BudgetBreach {
  readonly reason: PolicyReasonCode;
  /** The breach ends the whole session (every area locks), not only the area. */
  readonly sessionWide: boolean;
  readonly detail: string;
}

/**
 * First budget reached, or null. Reaching a budget (usage >= budget) counts: the controller
 * stops the needles and locks the area (or every area, for a session budget).
 */
export function checkExposure(
  area: ExposureUsage,
  session: ExposureUsage,
  budgets: ExposureBudgets,
): BudgetBreach | null {
  if (session.punctures >= budgets.sessionPunctures) {
    return breach(
      PolicyReason.SESSION_PUNCTURE_BUDGET_REACHED,
      true,
      session.punctures,
      budgets.sessionPunctures,
      'punctures',
    );
  }
  if (session.contactMs >= budgets.sessionContactMs) {
    return breach(
      PolicyReason.SESSION_CONTACT_TIME_BUDGET_REACHED,
      true,
      session.contactMs,
      budgets.sessionContactMs,
      'ms',
    );
  }
  if (area.punctures >= budgets.areaPunctures) {
    return breach(PolicyReason.AREA_PUNCTURE_BUDGET_REACHED, false, area.punctures, budgets.areaPunctures, 'punctures');
  }
  if (area.contactMs >= budgets.areaContactMs) {
    return breach(PolicyReason.AREA_CONTACT_TIME_BUDGET_REACHED, false, area.contactMs, budgets.areaContactMs, 'ms');
  }
  return null;
}

function breach(
  reason: PolicyReasonCode,
  sessionWide: boolean,
  used: number,
  budget: number,
  unit: string,
): BudgetBreach {
  return { reason, sessionWide, detail: `${used} of ${budget} ${unit}` };
}
