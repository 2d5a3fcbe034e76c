// The controller's context: everything the session summary needs, and its construction from the input.
import {
  DEFAULT_PASS_DEBOUNCE_MS,
  MAX_PASSES_PER_AREA,
  PolicyReason,
  createPassCounter,
  resolveExposureBudgets,
  type AreaId,
  type CapKind,
  type ExposureBudgets,
  type Mode,
  type PassCounterState,
  type Plan,
  type StrokeRangeHz,
} from '../policy/index.js';
import type { ControllerInput, FaultEntry, Outcome, ReasonEntry } from './events.js';

/** Progress of one plan area. `passes` counts passes with contact; `passesOpened` counts reservations. */
export interface AreaProgress {
  readonly area: AreaId;
  /** Plan depth, um. */
  readonly planDepthUm: number;
  /** Effective cap (S2) and which cap binds; set when the session starts. */
  readonly capUm: number;
  readonly capBinding: CapKind | null;
  /** Commanded depth: the effective cap floored to the step (S3); 0 until the session starts. */
  readonly depthUm: number;
  readonly planStrokeHz: number;
  /** Stroke rate sent: the plan's, within the pen's range (S7). */
  readonly strokeHz: number;
  /** Plan passes, never above 6. */
  readonly passLimit: number;
  readonly passes: number;
  readonly passesOpened: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly contactMs: number;
  readonly maxMeasuredDepthUm: number;
  readonly locked: boolean;
  readonly lockReason: string | null;
  readonly counter: PassCounterState;
}

/** What INFO said about the pen, as the machine uses it. */
export interface PenIdentity {
  readonly sku: number;
  readonly serialNumber: number;
  /** The pen's own maximum: min of INFO.maxDepthUm and its SKU's table value. */
  readonly maxDepthUm: number;
  readonly strokeRange: StrokeRangeHz;
  readonly cartridgeId: number;
  readonly needleCount: number;
}

/** Settings fixed when the machine is created (the input, after the safe fallbacks of S4 and S8). */
export interface ControllerSettings {
  readonly plan: Plan;
  readonly proCredentialExpected: string | null;
  readonly passDebounceMs: number;
  readonly budgets: ExposureBudgets;
  readonly profileCapsUm: Partial<Record<AreaId, number>>;
}

/** Raw contact sense and the latest pen readings, whatever the state; replaced as a whole on each reading. */
export interface PenReadings {
  readonly penContact: boolean;
  readonly lastContactAtMs: number;
  readonly lastContactStrokeCount: number;
  readonly lastPenTimeMs: number;
  readonly lastStrokeCount: number;
}

/**
 * NOTE: keep this at 19 top-level keys or fewer. XState's `assign` copies the context on every
 * event (TELEMETRY at 50 Hz); above 19 keys V8 builds the copy in dictionary mode, about ten times
 * slower to copy and to read. Group new fields (as `settings` and `penReadings` are) instead.
 */
export interface ControllerContext {
  readonly mode: Mode;
  readonly settings: ControllerSettings;
  readonly proUnlocked: boolean;
  readonly pen: PenIdentity | null;
  readonly sessionStarted: boolean;
  readonly areas: readonly AreaProgress[];
  readonly currentArea: AreaId | null;
  /** SET_DEPTH and SET_SPEED acknowledged for the arming in progress. */
  readonly depthAcked: boolean;
  readonly speedAcked: boolean;
  /** Last depth sent with SET_DEPTH (0: none). S1: never above the current cap. */
  readonly commandedDepthUm: number;
  readonly penReadings: PenReadings;
  readonly faults: readonly FaultEntry[];
  readonly refusals: readonly ReasonEntry[];
  readonly clamps: readonly ReasonEntry[];
  readonly stops: readonly ReasonEntry[];
  readonly outcome: Outcome | null;
  readonly outcomeReason: string | null;
}

/** Pen readings before any reading arrived. */
export const NO_PEN_READINGS: PenReadings = {
  penContact: false,
  lastContactAtMs: 0,
  lastContactStrokeCount: 0,
  lastPenTimeMs: 0,
  lastStrokeCount: 0,
};

/** Builds the initial context. Bad settings fall back safely and are listed in `clamps` (S4, S8). */
export function createInitialContext(input: ControllerInput): ControllerContext {
  const clamps: ReasonEntry[] = [];
  const { budgets, adjusted } = resolveExposureBudgets(input.exposureBudgets);
  for (const setting of adjusted) clamps.push({ reason: setting.reason, detail: setting.detail });
  const passDebounceMs = resolveDebounceMs(input.passDebounceMs, clamps);
  const areas = input.plan.areas.map((entry) => {
    const passLimit = Math.min(MAX_PASSES_PER_AREA, Math.max(1, Math.floor(entry.passes) || 1));
    const prior = resolvePriorPasses(entry.area, input.priorPassesByArea?.[entry.area], passLimit, clamps);
    const locked = prior >= passLimit;
    const progress: AreaProgress = {
      area: entry.area,
      planDepthUm: entry.depthUm,
      capUm: 0,
      capBinding: null,
      depthUm: 0,
      planStrokeHz: entry.strokeHz,
      strokeHz: entry.strokeHz,
      passLimit,
      passes: prior,
      passesOpened: prior,
      strokes: 0,
      punctures: 0,
      contactMs: 0,
      maxMeasuredDepthUm: 0,
      locked,
      lockReason: locked ? PolicyReason.PASS_LIMIT_REACHED : null,
      counter: createPassCounter(prior),
    };
    return progress;
  });
  return {
    mode: input.mode,
    settings: {
      plan: input.plan,
      proCredentialExpected: input.proCredentialExpected || null,
      passDebounceMs,
      budgets,
      profileCapsUm: input.profileCapsUm ?? {},
    },
    proUnlocked: false,
    pen: null,
    sessionStarted: false,
    areas,
    currentArea: null,
    depthAcked: false,
    speedAcked: false,
    commandedDepthUm: 0,
    penReadings: NO_PEN_READINGS,
    faults: [],
    refusals: [],
    clamps,
    stops: [],
    outcome: null,
    outcomeReason: null,
  };
}

/**
 * NOTE: a longer debounce would merge separate passes (a limit evaded): values above the default
 * are capped to it; non-finite or non-positive values take the default.
 */
function resolveDebounceMs(value: unknown, clamps: ReasonEntry[]): number {
  if (value === undefined) return DEFAULT_PASS_DEBOUNCE_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    clamps.push({ reason: PolicyReason.SETTING_INVALID, detail: `passDebounceMs=${String(value)}: default used` });
    return DEFAULT_PASS_DEBOUNCE_MS;
  }
  if (value > DEFAULT_PASS_DEBOUNCE_MS) {
    clamps.push({
      reason: PolicyReason.SETTING_INVALID,
      detail: `passDebounceMs=${value}: capped to ${DEFAULT_PASS_DEBOUNCE_MS}`,
    });
    return DEFAULT_PASS_DEBOUNCE_MS;
  }
  return value;
}

/**
 * Passes already opened on an area. NOTE: a count that is not a number >= 0 means the record
 * cannot be trusted: the area is treated as at its limit (locked), the safe side of S5.
 */
function resolvePriorPasses(area: AreaId, value: unknown, passLimit: number, clamps: ReasonEntry[]): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    clamps.push({ reason: PolicyReason.SETTING_INVALID, detail: `priorPasses=${String(value)}: area locked`, area });
    return passLimit;
  }
  return Math.ceil(value);
}

/** The progress of the current area, if any. */
export function currentProgress(context: ControllerContext): AreaProgress | undefined {
  return context.currentArea === null ? undefined : progressOf(context, context.currentArea);
}

export function progressOf(context: ControllerContext, area: string): AreaProgress | undefined {
  return context.areas.find((progress) => progress.area === area);
}

/** Areas with the current one replaced by `update(current)`. */
export function updateCurrent(
  context: ControllerContext,
  update: (progress: AreaProgress) => AreaProgress,
): readonly AreaProgress[] {
  return context.areas.map((progress) => (progress.area === context.currentArea ? update(progress) : progress));
}

/** Session-wide usage over every area. */
export function sessionUsage(context: ControllerContext): { punctures: number; contactMs: number } {
  let punctures = 0;
  let contactMs = 0;
  for (const progress of context.areas) {
    punctures += progress.punctures;
    contactMs += progress.contactMs;
  }
  return { punctures, contactMs };
}
