// Pure context updates behind the machine's named actions: each returns a patch and the side effects to run.
import { TelemetryFlag } from '../protocol/index.js';
import {
  PolicyReason,
  applyContactEdge,
  forceEndPass,
  penReasonName,
  puncturesFor,
  type ContactEdge,
} from '../policy/index.js';
import {
  currentProgress,
  progressOf,
  updateCurrent,
  type AreaProgress,
  type ControllerContext,
  type PenReadings,
} from './context.js';
import type {
  ControllerActionName,
  ControllerActionParams,
  ControllerEvent,
  FaultEntry,
  ReasonEntry,
  SessionEndedParams,
} from './events.js';
import { contactEdgeOf } from './guards.js';
import { appendNew, exposureBreach, penIdentityFrom, sessionSettings, telemetryEdge, withCounter } from './logic.js';

/** One side effect to run, with its params. */
export type Effect = {
  [K in ControllerActionName]: ControllerActionParams[K] extends undefined
    ? { type: K }
    : { type: K; params: ControllerActionParams[K] };
}[ControllerActionName];

export interface Step {
  readonly patch: Partial<ControllerContext>;
  readonly effects: readonly Effect[];
}

const none: Step = { patch: {}, effects: [] };

/** Latest pen readings and raw contact sense from a contact or telemetry event (a new `penReadings`). */
export function trackPenReadings(context: ControllerContext, event: ControllerEvent): Partial<ControllerContext> {
  const before = context.penReadings;
  const edge = contactEdgeOf(event);
  if (edge !== null) {
    const penReadings: PenReadings = {
      penContact: edge.contact,
      lastContactAtMs: edge.atMs,
      lastContactStrokeCount: edge.strokeCount,
      lastPenTimeMs: Math.max(before.lastPenTimeMs, edge.atMs),
      lastStrokeCount: edge.strokeCount,
    };
    return { penReadings };
  }
  if (event.type === 'TELEMETRY') {
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
    };
    return { penReadings };
  }
  return {};
}

/** Drive telemetry: the pen readings and the deepest measured depth in one patch (one context copy). */
export function trackDriveReadings(context: ControllerContext, event: ControllerEvent): Partial<ControllerContext> {
  const readings = trackPenReadings(context, event);
  const depth = noteMeasuredDepth(context, event);
  return depth.areas === undefined ? readings : { ...readings, areas: depth.areas };
}

export function storePenInfo(event: ControllerEvent): Partial<ControllerContext> {
  return event.type === 'INFO_RECEIVED' ? { pen: penIdentityFrom(event.info) } : {};
}

/** Session start: depth and speed per area (S1-S3, S7), each clamp recorded (S8). */
export function beginSession(context: ControllerContext): Step {
  const { areas, clamps } = sessionSettings(context);
  const all = appendNew(context.clamps, clamps);
  const fresh = all.slice(context.clamps.length);
  return {
    patch: { areas, sessionStarted: true, clamps: all },
    effects: fresh.map((params) => ({ type: 'recordClamp', params })),
  };
}

/** Makes `area` current for arming; the depth to send is its commanded depth. */
export function chooseArea(context: ControllerContext, area: string): Partial<ControllerContext> {
  const progress = progressOf(context, area);
  if (progress === undefined) return {};
  return { currentArea: progress.area, depthAcked: false, speedAcked: false, commandedDepthUm: progress.depthUm };
}

export function noteSetupAck(event: ControllerEvent): Partial<ControllerContext> {
  if (event.type !== 'COMMAND_ACKED') return {};
  if (event.command === 'SET_DEPTH') return { depthAcked: true };
  if (event.command === 'SET_SPEED') return { speedAcked: true };
  return {};
}

/** Clamp note carried by an ACK, kept with the pen's reason (S8). */
export function notePenClamp(context: ControllerContext, event: ControllerEvent): Step {
  if (event.type !== 'COMMAND_ACKED' || event.note === 0) return none;
  const entry = withArea(context, {
    reason: penReasonName(event.note),
    detail: `${event.command} applied ${event.appliedValue}`,
  });
  return { patch: { clamps: [...context.clamps, entry] }, effects: [{ type: 'recordClamp', params: entry }] };
}

/** NAK from the pen, kept with the pen's reason (S8). */
export function notePenRefusal(context: ControllerContext, event: ControllerEvent): Step {
  if (event.type !== 'COMMAND_NAKED') return none;
  return addRefusal(
    context,
    withArea(context, { reason: penReasonName(event.reason), detail: `${event.command} refused` }),
  );
}

function withArea(context: ControllerContext, entry: ReasonEntry): ReasonEntry {
  return context.currentArea === null ? entry : { ...entry, area: context.currentArea };
}

export function addRefusal(context: ControllerContext, entry: ReasonEntry): Step {
  return { patch: { refusals: [...context.refusals, entry] }, effects: [{ type: 'recordRefusal', params: entry }] };
}

export function addStop(context: ControllerContext, entry: ReasonEntry): Step {
  return { patch: { stops: [...context.stops, entry] }, effects: [{ type: 'recordStop', params: entry }] };
}

export function addFault(context: ControllerContext, entry: FaultEntry): Step {
  return { patch: { faults: [...context.faults, entry] }, effects: [{ type: 'recordFault', params: entry }] };
}

export function endSession(params: SessionEndedParams): Step {
  const effects: Effect[] = [{ type: 'sessionEnded', params }];
  if (params.outcome === 'completed') effects.push({ type: 'sessionCompleted' });
  return { patch: { outcome: params.outcome, outcomeReason: params.reason }, effects };
}

/**
 * Reserves the next pass of the current area when none is open and the limit allows: the wiring
 * records it durably before the needles may run on it (S5).
 */
export function openPassIfNeeded(context: ControllerContext): Step {
  const progress = currentProgress(context);
  if (progress === undefined || progress.passesOpened > progress.passes) return none;
  if (progress.passesOpened >= progress.passLimit) return none;
  const passNumber = progress.passesOpened + 1;
  return {
    patch: { areas: updateCurrent(context, (p) => ({ ...p, passesOpened: passNumber })) },
    effects: [{ type: 'reservePass', params: { area: progress.area, passNumber } }],
  };
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
 * Counts a contact edge on the current area. A new pass ends the open one (recordPassEnded),
 * reserves itself if no reservation is left (reservePass) and is recorded as started.
 */
export function countEdge(context: ControllerContext, event: ControllerEvent, source: EdgeSource): Step {
  const progress = currentProgress(context);
  const edge = edgeFrom(context, event, source);
  if (progress === undefined || edge === null) return none;
  const before = progress.counter;
  const { state, outcome } = applyContactEdge(before, edge, context.settings.passDebounceMs);
  if (outcome === 'ignored') return none;
  const needles = context.pen?.needleCount ?? 0;
  const effects: Effect[] = [];
  let passesOpened = progress.passesOpened;
  if (outcome === 'passStarted') {
    if (before.passOpen) {
      const ended = before.inContact ? forceEndPass(before, edge.atMs, edge.strokeCount) : before;
      effects.push({ type: 'recordPassEnded', params: passEnded(progress, ended.passes, ended, needles) });
    }
    if (passesOpened < state.passes) {
      passesOpened = state.passes;
      effects.push({ type: 'reservePass', params: { area: progress.area, passNumber: state.passes } });
    }
    effects.push({
      type: 'recordPassStarted',
      params: { area: progress.area, passNumber: state.passes, atMs: edge.atMs },
    });
  }
  const areas = updateCurrent(context, (p) => ({ ...withCounter(p, state, needles), passesOpened }));
  return { patch: { areas }, effects };
}

function passEnded(progress: AreaProgress, passNumber: number, counter: AreaProgress['counter'], needles: number) {
  return {
    area: progress.area,
    passNumber,
    strokes: counter.passStrokes,
    punctures: puncturesFor(counter.passStrokes, needles),
    contactMs: counter.passContactMs,
  };
}

/**
 * Ends the open pass of the current area at the latest pen readings (recordPassEnded); when that
 * pass was the last allowed, locks the area with PASS_LIMIT_REACHED (S5); when a budget is now
 * reached, locks for exposure (S6).
 */
export function closeOpenPass(context: ControllerContext): Step {
  const ended = endOpenPass(context);
  return ended === none ? none : chain(context, ended, lockForExposure);
}

/** A step followed by another computed on the context the first one produced. */
function chain(context: ControllerContext, first: Step, next: (context: ControllerContext) => Step): Step {
  const second = next({ ...context, ...first.patch });
  return { patch: { ...first.patch, ...second.patch }, effects: [...first.effects, ...second.effects] };
}

function endOpenPass(context: ControllerContext): Step {
  const progress = currentProgress(context);
  if (progress === undefined || !progress.counter.passOpen) return none;
  const needles = context.pen?.needleCount ?? 0;
  const { lastPenTimeMs, lastStrokeCount } = context.penReadings;
  const counter = forceEndPass(progress.counter, lastPenTimeMs, lastStrokeCount);
  let updated = withCounter(progress, counter, needles);
  const effects: Effect[] = [
    { type: 'recordPassEnded', params: passEnded(progress, counter.passes, counter, needles) },
  ];
  if (counter.passes >= progress.passLimit && !progress.locked) {
    updated = { ...updated, locked: true, lockReason: PolicyReason.PASS_LIMIT_REACHED };
    effects.push({
      type: 'recordAreaLocked',
      params: { area: progress.area, reason: PolicyReason.PASS_LIMIT_REACHED },
    });
  }
  return { patch: { areas: updateCurrent(context, () => updated) }, effects };
}

/**
 * Locks the current area, or every area for a session budget, with the exposure reason reached,
 * and records the stop (S6). Nothing when no budget is reached or every such area is locked already.
 */
export function lockForExposure(context: ControllerContext): Step {
  const breach = exposureBreach(context);
  if (breach === null || context.currentArea === null) return none;
  const effects: Effect[] = [];
  const areas = context.areas.map((p) => {
    if (p.locked || (!breach.sessionWide && p.area !== context.currentArea)) return p;
    effects.push({ type: 'recordAreaLocked', params: { area: p.area, reason: breach.reason } });
    return { ...p, locked: true, lockReason: breach.reason };
  });
  if (effects.length === 0) return none;
  const stop: ReasonEntry = { reason: breach.reason, detail: breach.detail, area: context.currentArea };
  effects.push({ type: 'recordStop', params: stop });
  return { patch: { areas, stops: [...context.stops, stop] }, effects };
}

/** Deepest measured depth on the current area while the drive runs on it. */
export function noteMeasuredDepth(context: ControllerContext, event: ControllerEvent): Partial<ControllerContext> {
  if (event.type !== 'TELEMETRY') return {};
  const progress = currentProgress(context);
  if (progress === undefined || event.measuredDepthUm <= progress.maxMeasuredDepthUm) return {};
  return { areas: updateCurrent(context, (p) => ({ ...p, maxMeasuredDepthUm: event.measuredDepthUm })) };
}

/** After RESET: link-session state forgotten, the professional unlock too (S9); session counts kept (S5). */
export function clearAfterReset(context: ControllerContext): Partial<ControllerContext> {
  return {
    pen: null,
    proUnlocked: false,
    currentArea: null,
    depthAcked: false,
    speedAcked: false,
    commandedDepthUm: 0,
    penReadings: { ...context.penReadings, penContact: false },
    outcome: null,
    outcomeReason: null,
  };
}
