// Pure decisions behind the machine's guards and actions: pen identity, session caps, pass and exposure updates.
import { OVER_DEPTH_MARGIN_UM } from '../limits/index.js';
import {
  Fault,
  PenState,
  Reason,
  SKU_MAX_DEPTH_UM,
  TelemetryFlag,
  codeName,
  type Payload,
  type SkuCode,
} from '../protocol/index.js';
import {
  PolicyReason,
  applyContactEdge,
  areaCapUm,
  checkExposure,
  effectiveCapUm,
  floorToStepUm,
  liveContactMs,
  liveContactStrokes,
  modeCapUm,
  modeMaxDepthUm,
  puncturesFor,
  strokeHzWithinRange,
  strokeRangeWithin,
  type AreaId,
  type BudgetBreach,
  type ContactEdge,
  type EdgeResult,
  type PassCounterState,
} from '../policy/index.js';
import {
  currentProgress,
  sessionUsage,
  type AreaProgress,
  type ControllerContext,
  type PenIdentity,
} from './context.js';
import type { ReasonEntry, TelemetryEvent } from './events.js';

/** NOTE: measured depth above the active cap by more than this is a latched fault (the limits table, S1). */
export const MEASURED_DEPTH_TOLERANCE_UM = OVER_DEPTH_MARGIN_UM;

const CLAMP_REASON = {
  sku: PolicyReason.DEPTH_CLAMPED_TO_SKU_CAP,
  mode: PolicyReason.DEPTH_CLAMPED_TO_MODE_CAP,
  area: PolicyReason.DEPTH_CLAMPED_TO_AREA_CAP,
  profile: PolicyReason.DEPTH_CLAMPED_TO_PROFILE_CAP,
  credential: PolicyReason.DEPTH_CLAMPED_TO_CREDENTIAL_CAP,
} as const;

/** Pen identity from INFO, or null when its stroke range misses 50-150 Hz (implausible limits). */
export function penIdentityFrom(info: Payload<'INFO'>): PenIdentity | null {
  const strokeRange = strokeRangeWithin(info.minStrokeHz, info.maxStrokeHz);
  if (strokeRange === null) return null;
  const skuMaxUm = SKU_MAX_DEPTH_UM[info.sku as SkuCode] ?? 0;
  return {
    sku: info.sku,
    serialNumber: info.serialNumber,
    maxDepthUm: Math.min(info.maxDepthUm, skuMaxUm),
    strokeRange,
    cartridgeId: info.cartridgeId,
    needleCount: info.needleCount,
    batteryPercent: info.batteryPercent,
  };
}

/** True when INFO reports a latched fault. */
export function isInfoFaulted(info: Payload<'INFO'>): boolean {
  return info.state === PenState.FAULT || info.faultCode !== 0;
}

/**
 * Mode cap in force: the mode's product cap (home cap while professional mode is locked, S9),
 * lowered by the configured mode maximum (a clinic profile may only lower it).
 */
export function configuredModeCapUm(context: ControllerContext): number {
  const unlocked = context.unlock !== null;
  const productUm = modeCapUm(context.mode, unlocked);
  const configuredUm = modeMaxDepthUm(context.settings.config, unlocked ? context.mode : 'home');
  return Math.min(productUm, configuredUm);
}

/** A clinic profile's cap on `area`: its area cap and its mode maximum, the lower (S2). */
function profileCapUm(context: ControllerContext, area: AreaId): number {
  const modeUm = modeMaxDepthUm(context.settings.config, context.unlock !== null ? context.mode : 'home');
  return Math.min(context.settings.profileCapsUm[area] ?? modeUm, modeUm);
}

/**
 * Highest depth any area of this session may reach: min(pen maximum, mode cap, the unlock's
 * maximum); the mode cap before INFO.
 */
export function sessionCapUm(context: ControllerContext): number {
  const modeUm = Math.min(configuredModeCapUm(context), context.unlock?.maxDepthUm ?? Infinity);
  return context.pen === null ? modeUm : Math.min(modeUm, context.pen.maxDepthUm);
}

/** Cap the measured depth is held to: the current area's while the drive runs on it, else the session's. */
export function activeCapUm(context: ControllerContext, driveOnArea: boolean): number {
  const progress = currentProgress(context);
  return driveOnArea && progress !== undefined ? progress.capUm : sessionCapUm(context);
}

/** What is wrong with a telemetry sample, in the order it is checked (S1, S13). */
export type TelemetryFault = 'penFault' | 'overDepth' | 'depthAboveCommand';

/**
 * The first fault a telemetry sample shows, or null: a fault the pen reports, then a measured depth
 * above the active cap + tolerance, then (drive on the current area) a pen setpoint deeper than the
 * area's commanded depth. One pure check per sample: the machine's one guard and its note both use it.
 */
export function telemetryFault(
  context: ControllerContext,
  event: TelemetryEvent,
  driveOnArea: boolean,
): TelemetryFault | null {
  if (event.faultCode !== 0 || event.state === PenState.FAULT) return 'penFault';
  if (event.measuredDepthUm > activeCapUm(context, driveOnArea) + MEASURED_DEPTH_TOLERANCE_UM) return 'overDepth';
  if (driveOnArea && event.commandedDepthUm > (currentProgress(context)?.depthUm ?? 0)) return 'depthAboveCommand';
  return null;
}

/**
 * True when a telemetry sample changes nothing the context keeps: the same pen time, stroke count,
 * state and contact sense, and (`driveOnArea`) no deeper measured depth on the current area.
 * The machine takes such a sample without an update, so its context is not copied.
 */
export function isTelemetryUnchanged(context: ControllerContext, event: TelemetryEvent, driveOnArea: boolean): boolean {
  const before = context.penReadings;
  if (
    Math.max(before.lastPenTimeMs, event.deviceTickMs ?? before.lastPenTimeMs) !== before.lastPenTimeMs ||
    event.strokeCount !== before.lastStrokeCount ||
    event.state !== before.penState ||
    ((event.flags & TelemetryFlag.CONTACT) !== 0) !== before.penContact
  ) {
    return false;
  }
  if (!driveOnArea) return true;
  const progress = currentProgress(context);
  return progress === undefined || event.measuredDepthUm <= progress.maxMeasuredDepthUm;
}

/**
 * Depth and speed of every area for the session (S1, S2, S3, S7), with a clamp entry for each
 * value that differs from the plan. Requires the pen identity (START_SESSION comes after INFO).
 */
export function sessionSettings(context: ControllerContext): { areas: AreaProgress[]; clamps: ReasonEntry[] } {
  const clamps: ReasonEntry[] = [];
  const pen = context.pen;
  const areas = context.areas.map((progress) => {
    const { area } = progress;
    const cap = effectiveCapUm({
      skuUm: pen?.maxDepthUm ?? 0,
      modeUm: modeCapUm(context.mode, context.unlock !== null),
      areaUm: areaCapUm(context.mode, area),
      ...(context.unlock === null ? {} : { credentialUm: context.unlock.maxDepthUm }),
      ...(context.settings.profile === null ? {} : { profileUm: profileCapUm(context, area) }),
      planUm: progress.planDepthUm,
    });
    const depthUm = floorToStepUm(cap.capUm);
    if (cap.invalid.length > 0) {
      clamps.push({
        reason: PolicyReason.SETTING_INVALID,
        detail: `cap ${cap.invalid.join(', ')} invalid: 0 um`,
        area,
      });
    }
    if (cap.binding !== 'plan') {
      const detail = `plan ${progress.planDepthUm} um, ${cap.binding} cap ${cap.capUm} um`;
      clamps.push({ reason: CLAMP_REASON[cap.binding], detail, area });
    }
    if (depthUm < cap.capUm) {
      clamps.push({
        reason: PolicyReason.DEPTH_FLOORED_TO_STEP,
        detail: `${cap.capUm} um floored to ${depthUm} um`,
        area,
      });
    }
    const speed = strokeHzWithinRange(progress.planStrokeHz, pen?.strokeRange);
    if (speed.clamped) {
      const detail = `plan ${progress.planStrokeHz} Hz, sent ${speed.strokeHz} Hz`;
      clamps.push({ reason: PolicyReason.SPEED_CLAMPED_TO_PEN_RANGE, detail, area });
    }
    return { ...progress, capUm: cap.capUm, capBinding: cap.binding, depthUm, strokeHz: speed.strokeHz };
  });
  return { areas, clamps };
}

/** Appends entries not already present (same reason, detail and area): repeated starts do not duplicate. */
export function appendNew(list: readonly ReasonEntry[], entries: readonly ReasonEntry[]): ReasonEntry[] {
  const result = [...list];
  for (const entry of entries) {
    const seen = result.some((e) => e.reason === entry.reason && e.detail === entry.detail && e.area === entry.area);
    if (!seen) result.push(entry);
  }
  return result;
}

/** The area's counts follow its pass counter; punctures = strokes x needles. */
export function withCounter(progress: AreaProgress, counter: PassCounterState, needleCount: number): AreaProgress {
  return {
    ...progress,
    counter,
    passes: counter.passes,
    strokes: counter.totalStrokes,
    punctures: puncturesFor(counter.totalStrokes, needleCount),
    contactMs: counter.totalContactMs,
  };
}

/** What a contact edge does to the current area's counter (`ignored` with no current area). */
export function edgeOnCurrent(context: ControllerContext, edge: ContactEdge): EdgeResult | null {
  const progress = currentProgress(context);
  return progress === undefined ? null : applyContactEdge(progress.counter, edge, context.settings.passDebounceMs);
}

/** A contact edge from a telemetry sample (its pen time, or the latest known one). */
export function telemetryEdge(context: ControllerContext, event: TelemetryEvent): ContactEdge {
  return {
    contact: true,
    atMs: event.deviceTickMs ?? context.penReadings.lastPenTimeMs,
    strokeCount: event.strokeCount,
  };
}

/**
 * First exposure budget reached by the current area or the session (S6), counting the contact
 * in progress up to `live` (the latest pen readings) when given.
 */
export function exposureBreach(
  context: ControllerContext,
  live?: { atMs: number; strokeCount: number },
): BudgetBreach | null {
  const progress = currentProgress(context);
  if (progress === undefined) return null;
  const needles = context.pen?.needleCount ?? 0;
  const liveStrokes = live === undefined ? 0 : liveContactStrokes(progress.counter, live.strokeCount);
  const liveMs = live === undefined ? 0 : liveContactMs(progress.counter, live.atMs);
  const livePunctures = puncturesFor(liveStrokes, needles);
  const session = sessionUsage(context);
  return checkExposure(
    { punctures: progress.punctures + livePunctures, contactMs: progress.contactMs + liveMs },
    { punctures: session.punctures + livePunctures, contactMs: session.contactMs + liveMs },
    context.settings.budgets,
  );
}

/** Name of a pen fault code, e.g. `OVER_DEPTH`. */
export function faultName(faultCode: number): string {
  return codeName(Fault, faultCode);
}

/** Name of a pen reason code, e.g. `STOP_LEASE_LAPSED`. */
export function reasonName(code: number): string {
  return codeName(Reason, code);
}

/** A session-wide budget reached by the passes counted so far (S6), or null. */
export function sessionExposureBreach(context: ControllerContext): BudgetBreach | null {
  const session = sessionUsage(context);
  const breach = checkExposure({ punctures: 0, contactMs: 0 }, session, context.settings.budgets);
  return breach !== null && breach.sessionWide ? breach : null;
}

/** Plan order: the first open area with arming attempts left (refused armings below `maxAttempts`), or null. */
export function nextPlanArea(context: ControllerContext, maxAttempts: number): AreaProgress | null {
  return context.areas.find((progress) => !progress.locked && progress.refusedArmings < maxAttempts) ?? null;
}
