// Session admission rules (S19): every reason a session or a patch-test plan must be refused.
import { declaredContraindications, parseScreening, RuleReason, type RuleReasonCode } from './screening.js';
import { minIntervalDays, TREATMENT_MODES, type TreatmentConfig, type TreatmentMode } from './treatment-config.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Answers dated up to this far in the future are accepted (clock skew between devices). */
const SCREENING_CLOCK_SKEW_MS = 5 * 60_000;

export interface Refusal {
  readonly reason: RuleReasonCode;
  readonly detail: string;
  readonly area?: string;
}

/** The last treated session on one area: when (ms since epoch), in which mode, and whether it was a patch test. */
export interface PriorAreaSession {
  readonly atMs: number;
  readonly mode: TreatmentMode;
  /**
   * A patch test is a treatment of its area: it bars another patch test there within the interval,
   * but not the full session it clears (that one waits for the patch-test rule instead).
   */
  readonly isPatchTest?: boolean;
}

export interface SessionRuleInput {
  readonly mode: TreatmentMode;
  /** Wall-clock time of the check, ms since epoch. */
  readonly nowMs: number;
  /** `screening` is the answers document, parsed or not: it is validated here. */
  readonly client: { readonly birthYear: number; readonly screening: unknown };
  readonly areas: readonly string[];
  /** Per area, the last treated session, or the last one in each mode (the strictest applies). */
  readonly lastSessionByArea: Readonly<Record<string, PriorAreaSession | readonly PriorAreaSession[] | undefined>>;
  readonly patchTest: { readonly doneAtMs: number } | null;
  readonly isPatchTestSession: boolean;
  /** Cartridge id read from the pen; null or 0 when none is inserted. */
  readonly cartridgeId: number | null;
  readonly cartridgeSeenBefore: boolean;
  readonly batteryPercent: number;
  readonly plannedDurationS: number;
  readonly config: TreatmentConfig;
}

export interface SessionDecision {
  readonly allowed: boolean;
  readonly refusals: readonly Refusal[];
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const days = (ms: number) => (ms / DAY_MS).toFixed(1);
const hours = (ms: number) => (ms / HOUR_MS).toFixed(1);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Conservative age from a birth year alone: the youngest the client can be in the UTC year of
 * `nowMs` (the birthday may not have come yet).
 */
export function minimumAgeYears(birthYear: number, nowMs: number): number {
  return new Date(nowMs).getUTCFullYear() - birthYear - 1;
}

function screeningRefusals(input: SessionRuleInput, refusals: Refusal[]): void {
  const { client, nowMs, config } = input;
  if (!Number.isInteger(client.birthYear)) {
    refusals.push({
      reason: RuleReason.SCREENING_INVALID,
      detail: `birth year ${String(client.birthYear)} is invalid`,
    });
  } else if (minimumAgeYears(client.birthYear, nowMs) < config.minClientAgeYears) {
    refusals.push({
      reason: RuleReason.CLIENT_TOO_YOUNG,
      detail: `born ${client.birthYear}: may be ${minimumAgeYears(client.birthYear, nowMs)}, minimum age ${config.minClientAgeYears}`,
    });
  }
  const parsed = parseScreening(client.screening);
  if (!parsed.ok) {
    for (const error of parsed.errors)
      refusals.push({ reason: RuleReason.SCREENING_INVALID, detail: `${error.field}: ${error.message}` });
    return;
  }
  const { screening } = parsed;
  for (const question of declaredContraindications(screening))
    refusals.push({ reason: question.reason, detail: `answered yes: ${question.id} ("${question.text}")` });
  if (Number.isInteger(client.birthYear) && screening.birthYear !== client.birthYear) {
    refusals.push({
      reason: RuleReason.SCREENING_INVALID,
      detail: `screening birth year ${screening.birthYear} differs from the client record (${client.birthYear})`,
    });
  }
  const answeredAtMs = Date.parse(screening.answeredAt);
  if (answeredAtMs > nowMs + SCREENING_CLOCK_SKEW_MS) {
    refusals.push({
      reason: RuleReason.SCREENING_INVALID,
      detail: `answeredAt ${screening.answeredAt} is in the future`,
    });
  } else if (nowMs - answeredAtMs > config.screeningMaxAgeHours * HOUR_MS) {
    refusals.push({
      reason: RuleReason.SCREENING_EXPIRED,
      detail: `answered ${hours(nowMs - answeredAtMs)} h ago; answers older than ${config.screeningMaxAgeHours} h must be renewed`,
    });
  }
}

function intervalRefusals(input: SessionRuleInput, refusals: Refusal[]): void {
  for (const area of new Set(input.areas)) {
    const entry = input.lastSessionByArea[area];
    const all: readonly PriorAreaSession[] = entry === undefined ? [] : 'atMs' in entry ? [entry] : entry;
    const priors = input.isPatchTestSession ? all : all.filter((prior) => prior.isPatchTest !== true);
    const refusal = priors.map((prior) => intervalRefusal(input, area, prior)).find((found) => found !== null);
    if (refusal) refusals.push(refusal);
  }
}

function intervalRefusal(input: SessionRuleInput, area: string, prior: PriorAreaSession): Refusal | null {
  const priorMode = TREATMENT_MODES.includes(prior.mode) ? prior.mode : 'pro';
  const requiredDays = Math.max(minIntervalDays(input.config, input.mode), minIntervalDays(input.config, priorMode));
  const elapsedMs = input.nowMs - prior.atMs;
  if (!isFiniteNumber(prior.atMs) || elapsedMs < 0) {
    return {
      reason: RuleReason.INTERVAL_TOO_SHORT,
      area,
      detail: `last session time on ${area} is unknown or in the future`,
    };
  }
  if (elapsedMs >= requiredDays * DAY_MS) return null;
  return {
    reason: RuleReason.INTERVAL_TOO_SHORT,
    area,
    detail: `last ${prior.isPatchTest === true ? 'patch test' : `${prior.mode} session`} on ${area} ${days(elapsedMs)} days ago; at least ${requiredDays} days required (allowed from ${iso(prior.atMs + requiredDays * DAY_MS)})`,
  };
}

function patchTestRefusals(input: SessionRuleInput, refusals: Refusal[]): void {
  if (input.isPatchTestSession) return;
  const waitMs = input.config.patchTestMinWaitHours * HOUR_MS;
  if (input.patchTest === null) {
    refusals.push({
      reason: RuleReason.PATCH_TEST_MISSING,
      detail: 'no patch test on record: do a patch-test session first',
    });
    return;
  }
  const elapsedMs = input.nowMs - input.patchTest.doneAtMs;
  if (!isFiniteNumber(input.patchTest.doneAtMs) || elapsedMs < 0 || elapsedMs < waitMs) {
    refusals.push({
      reason: RuleReason.PATCH_TEST_TOO_RECENT,
      detail: `patch test ${isFiniteNumber(elapsedMs) ? `${hours(elapsedMs)} h` : 'an unknown time'} ago; wait at least ${input.config.patchTestMinWaitHours} h`,
    });
  }
}

function equipmentRefusals(input: SessionRuleInput, refusals: Refusal[]): void {
  const { cartridgeId, config } = input;
  if (cartridgeId === null || !Number.isInteger(cartridgeId) || cartridgeId <= 0 || cartridgeId > 0xffffffff) {
    refusals.push({ reason: RuleReason.CARTRIDGE_MISSING, detail: `no valid cartridge id (${String(cartridgeId)})` });
  } else if (input.cartridgeSeenBefore) {
    refusals.push({ reason: RuleReason.CARTRIDGE_REUSED, detail: `cartridge ${cartridgeId} was used before` });
  }
  if (!isFiniteNumber(input.plannedDurationS) || input.plannedDurationS < 0) {
    refusals.push({
      reason: RuleReason.SESSION_INPUT_INVALID,
      detail: `planned duration ${String(input.plannedDurationS)} s is invalid`,
    });
    return;
  }
  const neededPercent =
    config.batteryReservePercent + (config.batteryDrainPercentPerMinute * input.plannedDurationS) / 60;
  const battery = input.batteryPercent;
  if (!isFiniteNumber(battery) || battery < 0 || battery > 100 || battery < neededPercent) {
    refusals.push({
      reason: RuleReason.BATTERY_TOO_LOW,
      detail: `battery ${String(battery)} %; ${Math.ceil(neededPercent)} % needed for ${Math.ceil(input.plannedDurationS / 60)} min plus a ${config.batteryReservePercent} % reserve`,
    });
  }
}

/**
 * Decides whether a session may start. Pure. Returns every applicable refusal (S19, S8), each
 * with its reason code, a human detail and, for per-area rules, the area; `allowed` is true only
 * when there is none. Interval rule: the stricter of the current and the prior session's mode
 * applies. Invalid numbers (NaN, negative, out of range) refuse, never pass. Never throws.
 * A patch-test session skips the patch-test rules; its plan is checked by `checkPatchTestPlan`.
 */
export function checkSessionAllowed(input: SessionRuleInput): SessionDecision {
  const refusals: Refusal[] = [];
  if (!TREATMENT_MODES.includes(input.mode))
    refusals.push({ reason: RuleReason.SESSION_INPUT_INVALID, detail: `unknown mode ${String(input.mode)}` });
  if (input.areas.length === 0) refusals.push({ reason: RuleReason.SESSION_INPUT_INVALID, detail: 'no areas planned' });
  if (!isFiniteNumber(input.nowMs)) {
    refusals.push({
      reason: RuleReason.SESSION_INPUT_INVALID,
      detail: 'current time unknown: time rules cannot be checked',
    });
  } else {
    screeningRefusals(input, refusals);
    intervalRefusals(input, refusals);
    patchTestRefusals(input, refusals);
  }
  equipmentRefusals(input, refusals);
  return { allowed: refusals.length === 0, refusals };
}

/** The parts of a plan a patch test constrains (depth in millimetres, as in plan files). */
export interface PatchTestPlanInput {
  readonly areas: readonly { readonly area: string; readonly depthMm: number; readonly passes: number }[];
}

/**
 * Checks a patch-test plan: exactly one area, from the allowed list (jawline or neck by default),
 * depth at most `patchTestMaxDepthUm`, at most `patchTestMaxPasses` (1) passes. Returns every
 * refusal; empty means the plan is a valid patch test. Pure; never throws.
 */
export function checkPatchTestPlan(plan: PatchTestPlanInput, config: TreatmentConfig): Refusal[] {
  const refusals: Refusal[] = [];
  if (plan.areas.length === 0) refusals.push({ reason: RuleReason.SESSION_INPUT_INVALID, detail: 'no area planned' });
  if (plan.areas.length > 1) {
    refusals.push({
      reason: RuleReason.PATCH_TEST_TOO_MANY_AREAS,
      detail: `a patch test treats one small area; plan has ${plan.areas.length}`,
    });
  }
  const allowedAreas: readonly string[] = config.patchTestAreas;
  for (const { area, depthMm, passes } of plan.areas) {
    if (!allowedAreas.includes(area)) {
      refusals.push({
        reason: RuleReason.PATCH_TEST_AREA_NOT_ALLOWED,
        area,
        detail: `patch test on ${area} refused; allowed: ${allowedAreas.join(', ')}`,
      });
    }
    const depthUm = depthMm * 1000;
    if (!isFiniteNumber(depthUm) || depthUm < 0 || depthUm > config.patchTestMaxDepthUm + 1e-6) {
      refusals.push({
        reason: RuleReason.PATCH_TEST_DEPTH_TOO_HIGH,
        area,
        detail: `depth ${String(depthMm)} mm; a patch test is at most ${config.patchTestMaxDepthUm / 1000} mm`,
      });
    }
    if (!Number.isInteger(passes) || passes < 1 || passes > config.patchTestMaxPasses) {
      refusals.push({
        reason: RuleReason.PATCH_TEST_TOO_MANY_PASSES,
        area,
        detail: `${String(passes)} passes; a patch test is ${config.patchTestMaxPasses} pass`,
      });
    }
  }
  return refusals;
}

/**
 * Planning estimate of a session's duration in seconds: planned passes times
 * `secondsPerPassEstimate`. Feeds `plannedDurationS`. Invalid pass counts count as the maximum.
 */
export function estimateSessionDurationS(
  areas: readonly { readonly passes: number }[],
  config: TreatmentConfig,
): number {
  let passes = 0;
  for (const area of areas)
    passes +=
      Number.isInteger(area.passes) && area.passes >= 0
        ? Math.min(area.passes, config.maxPassesPerArea)
        : config.maxPassesPerArea;
  return passes * config.secondsPerPassEstimate;
}
