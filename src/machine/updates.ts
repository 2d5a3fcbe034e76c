// Pure context updates behind the machine's named assign actions: each returns the changed fields only.
import { Fault, TelemetryFlag } from '../protocol/index.js';
import {
  PolicyReason,
  applyContactEdge,
  forceEndPass,
  penReasonName,
  type AreaId,
  type ContactEdge,
} from '../policy/index.js';
import { admissionDecision, unlockDecision } from './admission.js';
import {
  currentProgress,
  progressOf,
  resumedAreas,
  updateCurrent,
  type AreaProgress,
  type ControllerContext,
  type PenReadings,
  NO_SETUP_ACKS,
} from './context.js';
import type { ControllerEvent, ReasonEntry } from './events.js';
import { contactEdgeOf } from './guards.js';
import {
  MEASURED_DEPTH_TOLERANCE_UM,
  activeCapUm,
  appendNew,
  exposureBreach,
  faultName,
  isTelemetryUnchanged,
  nextPlanArea,
  penIdentityFrom,
  reasonName,
  sessionSettings,
  telemetryEdge,
  telemetryFault,
  withCounter,
} from './logic.js';
import { MAX_AREA_ATTEMPTS } from '../policy/index.js';

type Patch = Partial<ControllerContext>;

/** Latest pen readings and raw contact sense from a contact or telemetry event (a new `penReadings`). */
export function trackPenReadings(context: ControllerContext, event: ControllerEvent): Patch {
  const before = context.penReadings;
  const edge = contactEdgeOf(event);
  if (edge !== null) {
    const penReadings: PenReadings = {
      penContact: edge.contact,
      lastContactAtMs: edge.atMs,
      lastContactStrokeCount: edge.strokeCount,
      lastPenTimeMs: Math.max(before.lastPenTimeMs, edge.atMs),
      lastStrokeCount: edge.strokeCount,
      penState: before.penState,
    };
    return { penReadings };
  }
  if (event.type === 'TELEMETRY') {
    if (isTelemetryUnchanged(context, event, false)) return {};
    const lastPenTimeMs = Math.max(before.lastPenTimeMs, event.deviceTickMs ?? before.lastPenTimeMs);
    const contact = (event.flags & TelemetryFlag.CONTACT) !== 0;
    // A contact first seen in telemetry (its edge lost) starts at this sample, not at an older edge.
    const contactStarts = contact && !before.penContact;
    const penReadings: PenReadings = {
      penContact: contact,
      lastContactAtMs: contactStarts ? lastPenTimeMs : before.lastContactAtMs,
      lastContactStrokeCount: contactStarts ? event.strokeCount : before.lastContactStrokeCount,
      lastPenTimeMs,
      lastStrokeCount: event.strokeCount,
      penState: event.state,
    };
    return { penReadings };
  }
  return {};
}

/** Deepest measured depth on the current area while the drive runs on it. */
export function noteMeasuredDepth(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'TELEMETRY') return {};
  const progress = currentProgress(context);
  if (progress === undefined || event.measuredDepthUm <= progress.maxMeasuredDepthUm) return {};
  return { areas: updateCurrent(context, (p) => ({ ...p, maxMeasuredDepthUm: event.measuredDepthUm })) };
}

/** Drive telemetry: the pen readings and the deepest measured depth in one patch (one context copy). */
export function trackDriveReadings(context: ControllerContext, event: ControllerEvent): Patch {
  const readings = trackPenReadings(context, event);
  const depth = noteMeasuredDepth(context, event);
  return depth.areas === undefined ? readings : { ...readings, areas: depth.areas };
}

export function storePenInfo(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'INFO_RECEIVED') return {};
  return { pen: penIdentityFrom(event.info), penReadings: { ...context.penReadings, penState: event.info.state } };
}

/** The claim: the session record held, and on a resume the passes and exposure already used (S5, S6). */
export function noteClaim(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'SESSION_CLAIMED') return {};
  const { claim } = event;
  const record = { ...context.record, sessionId: claim.sessionId, resumed: claim.resumed !== null };
  if (claim.resumed === null) return { record };
  const resumed = resumedAreas(context.areas, claim.resumed, context.pen?.needleCount ?? 0);
  // NOTE: an area the interrupted run left at its limit or its area budget starts locked (S5, S6); a
  // session budget is judged when the next area is chosen.
  const areas = resumed.areas.map((p) => {
    if (p.locked) return p;
    const breach = exposureBreach({ ...context, areas: resumed.areas, currentArea: p.area });
    return breach === null || breach.sessionWide ? p : { ...p, locked: true, lockReason: breach.reason };
  });
  const lastLocks = areas.flatMap((p) =>
    p.locked && p.lockReason !== null ? [{ area: p.area, reason: p.lockReason }] : [],
  );
  return { record, areas, lastLocks, clamps: appendNew(context.clamps, resumed.clamps) };
}

/** Every admission refusal the rules give (S19), each with its reason and area. */
export function noteAdmissionRefusals(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'ADMISSION_FACTS') return {};
  return { refusals: [...context.refusals, ...admissionDecision(context, event.facts).refusals] };
}

/** The professional unlock admission granted (S9): the only place `unlock` is set. */
export function grantUnlock(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'ADMISSION_FACTS') return {};
  const decision = unlockDecision(context, event.facts);
  return decision?.ok === true ? { unlock: decision.unlock } : {};
}

/** The clinic profile's refusals (the session is refused before the pen is contacted). */
export function noteProfileRefusals(context: ControllerContext): Patch {
  return { refusals: [...context.refusals, ...context.settings.profileRefusals] };
}

/** Session start: depth and speed per area (S1-S3, S7), each clamp kept (S8). */
export function beginSession(context: ControllerContext): Patch {
  const { areas, clamps } = sessionSettings(context);
  return { areas, sessionStarted: true, clamps: appendNew(context.clamps, clamps) };
}

/** Makes `area` current for arming; the depth to send is its commanded depth. */
export function chooseArea(context: ControllerContext, area: string | null): Patch {
  const progress = area === null ? undefined : progressOf(context, area);
  if (progress === undefined) return {};
  return {
    currentArea: progress.area,
    acks: NO_SETUP_ACKS,
    commandedDepthUm: progress.depthUm,
    record: { ...context.record, retryPending: false },
  };
}

/** Plan order: the first open area with attempts left. */
export function chooseNextArea(context: ControllerContext): Patch {
  return chooseArea(context, nextPlanArea(context, MAX_AREA_ATTEMPTS)?.area ?? null);
}

export function noteSetupAck(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'COMMAND_ACKED') return {};
  if (event.command === 'SET_DEPTH_LIMIT') return { acks: { ...context.acks, depthLimit: true } };
  if (event.command === 'SET_DEPTH') return { acks: { ...context.acks, depth: true } };
  if (event.command === 'SET_SPEED') return { acks: { ...context.acks, speed: true } };
  return {};
}

/** The pen refused arming the current area: counted for plan-order retries. */
export function noteArmRefused(context: ControllerContext): Patch {
  return {
    areas: updateCurrent(context, (p) => ({ ...p, refusedArmings: p.refusedArmings + 1 })),
    record: { ...context.record, retryPending: true },
  };
}

/** The next pass of the current area is asked for: it counts as opened from now (S5). */
export function noteReservationRequested(context: ControllerContext): Patch {
  return { areas: updateCurrent(context, (p) => ({ ...p, passesOpened: p.passesOpened + 1 })) };
}

export function noteReservationConfirmed(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'PASS_RESERVED') return {};
  const areas = context.areas.map((p) =>
    p.area === event.area && event.passNumber > p.passesReserved && event.passNumber <= p.passesOpened
      ? { ...p, passesReserved: event.passNumber }
      : p,
  );
  return { areas };
}

/** Clamp note carried by an ACK, kept with the pen's reason (S8). */
export function notePenClamp(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'COMMAND_ACKED') return {};
  const entry = withArea(context, {
    reason: penReasonName(event.note),
    detail: `${event.command} applied ${event.appliedValue}`,
  });
  return { clamps: [...context.clamps, entry] };
}

/** NAK from the pen, kept with the pen's reason (S8). */
export function notePenRefusal(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'COMMAND_NAKED') return {};
  const entry = withArea(context, { reason: penReasonName(event.reason), detail: `${event.command} refused` });
  return { refusals: [...context.refusals, entry] };
}

/** The detail an event gives a refusal or stop: the area asked for, the port's message, the pen's reason. */
export function eventDetail(event: ControllerEvent): string {
  switch (event.type) {
    case 'SELECT_AREA':
      return event.area;
    case 'LINK_FAILED':
    case 'LINK_DEAD':
      return event.reason;
    case 'CLAIM_REFUSED':
    case 'RECORDS_UNAVAILABLE':
      return event.detail;
    case 'PEN_STOPPED':
      return reasonName(event.reason);
    case 'INFO_RECEIVED':
      return `pen speaks protocol ${event.info.protocolVersion}, SKU ${event.info.sku}`;
    default:
      return event.type;
  }
}

function withArea(context: ControllerContext, entry: ReasonEntry): ReasonEntry {
  return context.currentArea === null ? entry : { ...entry, area: context.currentArea };
}

export function addRefusal(context: ControllerContext, reason: string, detail: string): Patch {
  return { refusals: [...context.refusals, withArea(context, { reason, detail })] };
}

export function addStop(context: ControllerContext, reason: string, detail: string): Patch {
  return { stops: [...context.stops, withArea(context, { reason, detail })] };
}

export function addFault(context: ControllerContext, code: number, reason: string, detail: string): Patch {
  return { faults: [...context.faults, { code, reason, detail }] };
}

/** A pen fault code from EVENT_FAULT, INFO or TELEMETRY. */
export function penFaultCode(event: ControllerEvent): number {
  if (event.type === 'PEN_FAULT') return event.faultCode;
  if (event.type === 'INFO_RECEIVED') return event.info.faultCode;
  if (event.type === 'TELEMETRY') return event.faultCode;
  return 0;
}

export function penFaultDetail(event: ControllerEvent): string {
  const source = event.type === 'PEN_FAULT' ? 'event' : event.type === 'INFO_RECEIVED' ? 'INFO' : 'telemetry';
  return `${source} ${faultName(penFaultCode(event))}`;
}

export function overDepthDetail(context: ControllerContext, event: ControllerEvent, driveOnArea: boolean): string {
  const measured = event.type === 'TELEMETRY' ? event.measuredDepthUm : 0;
  return `measured ${measured} um > cap ${activeCapUm(context, driveOnArea)} + ${MEASURED_DEPTH_TOLERANCE_UM} um`;
}

/** Notes the fault a telemetry sample shows (telemetryFault): the pen's, an over-depth or a deeper setpoint (S1, S13). */
export function noteTelemetryFault(context: ControllerContext, event: ControllerEvent, driveOnArea: boolean): Patch {
  if (event.type !== 'TELEMETRY') return {};
  switch (telemetryFault(context, event, driveOnArea)) {
    case 'penFault':
      return addFault(context, penFaultCode(event), PolicyReason.PEN_FAULT, penFaultDetail(event));
    case 'overDepth':
      return addFault(
        context,
        Fault.OVER_DEPTH,
        PolicyReason.MEASURED_DEPTH_ABOVE_CAP,
        overDepthDetail(context, event, driveOnArea),
      );
    case 'depthAboveCommand':
      return addFault(
        context,
        Fault.NONE,
        PolicyReason.PEN_DEPTH_ABOVE_COMMAND,
        'pen setpoint above the commanded depth',
      );
    case null:
      return {};
  }
}

/** The edge to count: the event's own, a telemetry-inferred contact, or the contact sensed before arming. */
export type EdgeSource = 'event' | 'telemetry' | 'sense';

function edgeFrom(context: ControllerContext, event: ControllerEvent, source: EdgeSource): ContactEdge | null {
  if (source === 'event') return contactEdgeOf(event);
  if (source === 'telemetry') return event.type === 'TELEMETRY' ? telemetryEdge(context, event) : null;
  const { lastContactAtMs, lastContactStrokeCount } = context.penReadings;
  return { contact: true, atMs: lastContactAtMs, strokeCount: lastContactStrokeCount };
}

/**
 * Counts a contact edge on the current area (S5). A new pass that ends an open one (a lost or
 * short lift-off) leaves the ended pass in `lastEndedPass` for recordPassEnded.
 */
export function countEdge(context: ControllerContext, event: ControllerEvent, source: EdgeSource): Patch {
  const progress = currentProgress(context);
  const edge = edgeFrom(context, event, source);
  if (progress === undefined || edge === null) return {};
  const before = progress.counter;
  const { state, outcome } = applyContactEdge(before, edge, context.settings.passDebounceMs);
  if (outcome === 'ignored') return {};
  const needles = context.pen?.needleCount ?? 0;
  let lastEndedPass = progress.lastEndedPass;
  if (outcome === 'passStarted' && before.passOpen) {
    const ended = before.inContact ? forceEndPass(before, edge.atMs, edge.strokeCount) : before;
    lastEndedPass = { passNumber: ended.passes, strokes: ended.passStrokes, contactMs: ended.passContactMs };
  }
  return { areas: updateCurrent(context, (p) => ({ ...withCounter(p, state, needles), lastEndedPass })) };
}

/** Ends the open pass of the current area at the latest pen readings; it becomes `lastEndedPass`. */
export function endPass(context: ControllerContext): Patch {
  const progress = currentProgress(context);
  if (progress === undefined || !progress.counter.passOpen) return {};
  const { lastPenTimeMs, lastStrokeCount } = context.penReadings;
  const counter = forceEndPass(progress.counter, lastPenTimeMs, lastStrokeCount);
  const ended = { passNumber: counter.passes, strokes: counter.passStrokes, contactMs: counter.passContactMs };
  const needles = context.pen?.needleCount ?? 0;
  return { areas: updateCurrent(context, (p) => ({ ...withCounter(p, counter, needles), lastEndedPass: ended })) };
}

/** Locks the current area at its pass limit (S5); the lock is `lastLocks` for recordAreaLocks. */
export function lockAreaAtLimit(context: ControllerContext): Patch {
  const progress = currentProgress(context);
  if (progress === undefined || progress.locked) return { lastLocks: [] };
  const reason = PolicyReason.PASS_LIMIT_REACHED;
  return {
    areas: updateCurrent(context, (p) => ({ ...p, locked: true, lockReason: reason })),
    lastLocks: [{ area: progress.area, reason }],
  };
}

/** Locks for the exposure budget reached: the current area, or every open area for a session budget (S6). */
export function lockForExposure(context: ControllerContext): Patch {
  const breach = exposureBreach(context) ?? sessionBreachOnly(context);
  if (breach === null) return { lastLocks: [] };
  const locks: { area: AreaId; reason: string }[] = [];
  const areas = context.areas.map((p): AreaProgress => {
    if (p.locked || (!breach.sessionWide && p.area !== context.currentArea)) return p;
    locks.push({ area: p.area, reason: breach.reason });
    return { ...p, locked: true, lockReason: breach.reason };
  });
  return { areas, lastLocks: locks };
}

function sessionBreachOnly(context: ControllerContext) {
  const any = context.areas.find((p) => !p.locked);
  return any === undefined ? null : exposureBreach({ ...context, currentArea: any.area });
}

/** The stop for the exposure budget reached (S6, S8). */
export function noteExposureStop(context: ControllerContext): Patch {
  const breach = exposureBreach(context) ?? sessionBreachOnly(context);
  return breach === null ? {} : addStop(context, breach.reason, breach.detail);
}

/**
 * The session's end. Without a reason given: a fault ends with the last fault's reason, a refusal
 * with the first refusal of its cause (`refusalsFrom`: the refusals noted before it).
 */
export function endSession(
  context: ControllerContext,
  params: { outcome: NonNullable<ControllerContext['outcome']>; reason?: string },
  refusalsFrom = context.refusals.length - 1,
): Patch {
  let reason = params.reason ?? null;
  if (reason === null && params.outcome === 'fault') reason = context.faults[context.faults.length - 1]?.reason ?? null;
  if (reason === null && params.outcome === 'refused') reason = context.refusals[refusalsFrom]?.reason ?? null;
  return { outcome: params.outcome, outcomeReason: reason };
}

/** Refused for its clinic profile: the outcome's reason is the first of the profile's refusals (S2). */
export function endRefusedByProfile(context: ControllerContext): Patch {
  return endSession(context, { outcome: 'refused' }, context.refusals.length - context.settings.profileRefusals.length);
}

/** Refused by the admission rules: the outcome's reason is the first of them (S19). */
export function endRefusedByAdmission(context: ControllerContext, event: ControllerEvent): Patch {
  if (event.type !== 'ADMISSION_FACTS') return {};
  const count = admissionDecision(context, event.facts).refusals.length;
  return endSession(context, { outcome: 'refused' }, context.refusals.length - count);
}

/** Which pen stop is this (for PEN_STOPPED faults)? */
export function penStopDetail(event: ControllerEvent): string {
  return event.type === 'PEN_STOPPED' ? `the pen stopped the drive by itself: ${reasonName(event.reason)}` : '';
}
