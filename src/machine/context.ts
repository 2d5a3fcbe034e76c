// The controller's context: everything the session summary needs, and its construction from the input.
import {
  DEFAULT_EXPOSURE_BUDGETS,
  DEFAULT_PASS_DEBOUNCE_MS,
  DEFAULT_TREATMENT_CONFIG,
  PolicyReason,
  checkProfile,
  createPassCounter,
  resolveExposureBudgets,
  type AreaId,
  type CapKind,
  type ExposureBudgets,
  type Mode,
  type PassCounterState,
  type Plan,
  type ProUnlock,
  type StrokeRangeHz,
  type TreatmentConfig,
  type VerifiedProfile,
} from '../policy/index.js';
import type {
  AreaOrder,
  ControllerInput,
  FaultEntry,
  Outcome,
  PresentedToken,
  ReasonEntry,
  ResumedSession,
} from './events.js';

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
  /** Plan passes, never above the configured maximum (6 at most). */
  readonly passLimit: number;
  readonly passes: number;
  /** Passes asked of the records (S5 counts these), and passes the records confirmed durable. */
  readonly passesOpened: number;
  readonly passesReserved: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly contactMs: number;
  readonly maxMeasuredDepthUm: number;
  readonly locked: boolean;
  readonly lockReason: string | null;
  /** Arming attempts the pen refused on this area (plan order retries up to MAX_AREA_ATTEMPTS). */
  readonly refusedArmings: number;
  readonly counter: PassCounterState;
  /** The last pass that ended on this area (what recordPassEnded writes), or null. */
  readonly lastEndedPass: { readonly passNumber: number; readonly strokes: number; readonly contactMs: number } | null;
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
  readonly batteryPercent: number;
}

/** Settings fixed when the machine is created (the input, after the safe fallbacks of S4 and S8). */
export interface ControllerSettings {
  readonly plan: Plan;
  readonly areaOrder: AreaOrder;
  readonly clientId: string;
  readonly isPatchTest: boolean;
  /** Treatment rules: the product defaults, tightened by the clinic profile when one binds. */
  readonly config: TreatmentConfig;
  /** The credential presented for a professional unlock, or null (S9). */
  readonly credential: PresentedToken | null;
  /** The clinic profile that binds, or null (none given, or refused: see `profileRefusals`). */
  readonly profile: VerifiedProfile | null;
  /** Why the given profile is refused; non-empty means the session is refused before the pen is contacted. */
  readonly profileRefusals: readonly ReasonEntry[];
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
  /** Pen state as last reported (INFO, TELEMETRY); 0 before the handshake. */
  readonly penState: number;
}

/** The session record this run holds (after the claim), and whether the next area follows a refused arming. */
export interface SessionRecordState {
  readonly sessionId: number | null;
  readonly resumed: boolean;
  /** The last arming was refused: the next plan-order choice waits the retry delay. */
  readonly retryPending: boolean;
}

/** The setup commands acknowledged for the arming in progress: ARM goes only after all three (S1). */
export interface SetupAcks {
  readonly depthLimit: boolean;
  readonly depth: boolean;
  readonly speed: boolean;
}

/** No setup command acknowledged yet. */
export const NO_SETUP_ACKS: SetupAcks = { depthLimit: false, depth: false, speed: false };

/**
 * NOTE: keep this at 19 top-level keys or fewer (19 now). XState's `assign` copies the context on every
 * event (TELEMETRY at 50 Hz); above 19 keys V8 builds the copy in dictionary mode, about ten times
 * slower to copy and to read. Group new fields (as `settings`, `penReadings` and `record` are) instead.
 */
export interface ControllerContext {
  readonly mode: Mode;
  readonly settings: ControllerSettings;
  /** The professional unlock granted at admission (S9); null: the home cap binds. */
  readonly unlock: ProUnlock | null;
  readonly pen: PenIdentity | null;
  readonly record: SessionRecordState;
  readonly sessionStarted: boolean;
  readonly areas: readonly AreaProgress[];
  readonly currentArea: AreaId | null;
  /** SET_DEPTH_LIMIT, SET_DEPTH and SET_SPEED acknowledged for the arming in progress. */
  readonly acks: SetupAcks;
  /** Last depth sent with SET_DEPTH (0: none). S1: never above the current cap. */
  readonly commandedDepthUm: number;
  readonly penReadings: PenReadings;
  readonly faults: readonly FaultEntry[];
  readonly refusals: readonly ReasonEntry[];
  readonly clamps: readonly ReasonEntry[];
  readonly stops: readonly ReasonEntry[];
  /** Areas the last locking action locked (what recordAreaLocks writes). */
  readonly lastLocks: readonly { readonly area: AreaId; readonly reason: string }[];
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
  penState: 0,
};

/** Builds the initial context. Bad settings fall back safely and are listed in `clamps` (S4, S8). */
export function createInitialContext(input: ControllerInput): ControllerContext {
  const clamps: ReasonEntry[] = [];
  const profileDecision =
    input.profile === undefined ? null : checkProfile(input.profile.token, input.profile.revocations);
  const profile = profileDecision?.ok === true ? profileDecision.profile : null;
  const profileRefusals: ReasonEntry[] =
    profileDecision === null || profileDecision.ok
      ? []
      : profileDecision.refusals.map((refusal) => ({
          reason: refusal.reason,
          detail: refusal.field === undefined ? refusal.detail : `${refusal.field}: ${refusal.detail}`,
        }));
  const budgets = resolveBudgets(input.exposureBudgets, profile?.settings.exposureBudgets, clamps);
  const passDebounceMs = resolveDebounceMs(input.passDebounceMs, clamps);
  const config = profile?.settings.treatment ?? DEFAULT_TREATMENT_CONFIG;
  const areas = input.plan.areas.map((entry) => {
    const profileLimit = profile?.settings.passLimitsByArea[entry.area];
    const progress = areaProgress(entry, Math.min(config.maxPassesPerArea, profileLimit ?? config.maxPassesPerArea));
    if (profileLimit !== undefined && progress.passLimit < entry.passes) {
      clamps.push({
        reason: PolicyReason.PASSES_CLAMPED_TO_PROFILE_LIMIT,
        detail: `plan ${entry.passes} passes, profile limit ${progress.passLimit}`,
        area: entry.area,
      });
    }
    return progress;
  });
  return {
    mode: input.mode,
    settings: {
      plan: input.plan,
      areaOrder: input.areaOrder,
      clientId: input.clientId,
      isPatchTest: input.isPatchTest,
      config,
      credential: input.credential ?? null,
      profile,
      profileRefusals,
      passDebounceMs,
      budgets,
      profileCapsUm: profile?.settings.areaCapsUm ?? {},
    },
    unlock: null,
    pen: null,
    record: { sessionId: null, resumed: false, retryPending: false },
    sessionStarted: false,
    areas,
    currentArea: null,
    acks: NO_SETUP_ACKS,
    commandedDepthUm: 0,
    penReadings: NO_PEN_READINGS,
    faults: [],
    refusals: [],
    clamps,
    stops: [],
    lastLocks: [],
    outcome: null,
    outcomeReason: null,
  };
}

/**
 * The input's budgets judged against the product defaults (bad values fall back, listed in
 * `clamps`), then each lowered to the clinic profile's: the lower value binds (S6).
 */
function resolveBudgets(
  input: Partial<ExposureBudgets> | undefined,
  profile: ExposureBudgets | undefined,
  clamps: ReasonEntry[],
): ExposureBudgets {
  const { budgets, adjusted } = resolveExposureBudgets(input ?? DEFAULT_EXPOSURE_BUDGETS);
  for (const setting of adjusted) clamps.push({ reason: setting.reason, detail: setting.detail });
  if (profile === undefined) return budgets;
  const lowered = { ...budgets };
  for (const field of Object.keys(lowered) as (keyof ExposureBudgets)[]) {
    lowered[field] = Math.min(lowered[field], profile[field]);
  }
  return lowered;
}

function areaProgress(entry: Plan['areas'][number], maxPasses: number): AreaProgress {
  const passLimit = Math.min(maxPasses, Math.max(1, Math.floor(entry.passes) || 1));
  return {
    area: entry.area,
    planDepthUm: entry.depthUm,
    capUm: 0,
    capBinding: null,
    depthUm: 0,
    planStrokeHz: entry.strokeHz,
    strokeHz: entry.strokeHz,
    passLimit,
    passes: 0,
    passesOpened: 0,
    passesReserved: 0,
    strokes: 0,
    punctures: 0,
    contactMs: 0,
    maxMeasuredDepthUm: 0,
    locked: false,
    lockReason: null,
    refusedArmings: 0,
    counter: createPassCounter(0),
    lastEndedPass: null,
  };
}

/**
 * The areas after a resume: passes already opened count (S5) and exposure already used counts
 * (S6). NOTE: a count that is not a number >= 0 means the record cannot be trusted: the area is
 * treated as at its limit (locked), the safe side of S5.
 */
export function resumedAreas(
  areas: readonly AreaProgress[],
  resumed: ResumedSession,
  needleCount: number,
): { areas: AreaProgress[]; clamps: ReasonEntry[] } {
  const clamps: ReasonEntry[] = [];
  const result = areas.map((progress) => {
    const raw: unknown = resumed.openedPassesByArea[progress.area];
    const used = resumed.usedByArea[progress.area];
    let opened = 0;
    if (raw !== undefined) {
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
        clamps.push({
          reason: PolicyReason.SETTING_INVALID,
          detail: `priorPasses=${String(raw)}: area locked`,
          area: progress.area,
        });
        opened = progress.passLimit;
      } else opened = Math.ceil(raw);
    }
    const punctures = isCount(used?.punctures) ? used.punctures : 0;
    const contactMs = isCount(used?.contactMs) ? used.contactMs : 0;
    const strokes = needleCount > 0 ? Math.ceil(punctures / needleCount) : 0;
    const counter = { ...createPassCounter(opened), totalStrokes: strokes, totalContactMs: contactMs };
    const locked = opened >= progress.passLimit;
    return {
      ...progress,
      passes: opened,
      passesOpened: opened,
      passesReserved: opened,
      strokes,
      punctures,
      contactMs,
      counter,
      locked,
      lockReason: locked ? PolicyReason.PASS_LIMIT_REACHED : null,
    };
  });
  return { areas: result, clamps };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
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
