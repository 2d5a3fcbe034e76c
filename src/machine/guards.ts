// Named guards of the controller machine: pure predicates over the context and the event.
import { PROTOCOL_VERSION, PenState, Reason, Sku, TelemetryFlag } from '../protocol/index.js';
import { MAX_AREA_ATTEMPTS, type ContactEdge } from '../policy/index.js';
import { admissionDecision, unlockDecision } from './admission.js';
import { currentProgress, progressOf, type ControllerContext } from './context.js';
import type { ControllerEvent } from './events.js';
import {
  edgeOnCurrent,
  exposureBreach,
  isInfoFaulted,
  isTelemetryUnchanged,
  nextPlanArea,
  penIdentityFrom,
  sessionExposureBreach,
  telemetryEdge,
  telemetryFault,
  withCounter,
} from './logic.js';

export interface GuardArgs {
  readonly context: ControllerContext;
  readonly event: ControllerEvent;
}

/** The contact edge an event carries, or null. */
export function contactEdgeOf(event: ControllerEvent): ContactEdge | null {
  if (event.type === 'CONTACT_ON' || event.type === 'CONTACT_OFF') {
    return { contact: event.type === 'CONTACT_ON', atMs: event.atMs, strokeCount: event.strokeCount };
  }
  return null;
}

function edgeOutcome(context: ControllerContext, edge: ContactEdge | null): string {
  if (edge === null) return 'none';
  return edgeOnCurrent(context, edge)?.outcome ?? 'none';
}

/** Context as it would be after the contact edge of `event` is counted on the current area. */
function afterEdge(context: ControllerContext, event: ControllerEvent): ControllerContext {
  const edge = contactEdgeOf(event);
  const result = edge === null ? null : edgeOnCurrent(context, edge);
  if (result === null) return context;
  const needles = context.pen?.needleCount ?? 0;
  const areas = context.areas.map((p) => (p.area === context.currentArea ? withCounter(p, result.state, needles) : p));
  return { ...context, areas };
}

export const guards = {
  // Handshake
  /** INFO speaks another protocol version: refused (PROTOCOL_VERSION_UNSUPPORTED). */
  isProtocolUnsupported: ({ event }: GuardArgs) =>
    event.type === 'INFO_RECEIVED' && event.info.protocolVersion !== PROTOCOL_VERSION,
  /** INFO reports a latched fault. */
  isPenFaultReported: ({ event }: GuardArgs) => event.type === 'INFO_RECEIVED' && isInfoFaulted(event.info),
  /** Professional mode on a pen that is not the pro SKU (S9). */
  isProModeWithoutProSku: ({ context, event }: GuardArgs) =>
    event.type === 'INFO_RECEIVED' && context.mode === 'pro' && event.info.sku !== Sku.PRO,
  /** INFO's stroke range does not meet 50-150 Hz. */
  hasImplausiblePenLimits: ({ event }: GuardArgs) =>
    event.type === 'INFO_RECEIVED' && penIdentityFrom(event.info) === null,

  // Admission
  /** The treatment rules refuse the session on the records' facts (S19). */
  isAdmissionRefused: ({ context, event }: GuardArgs) =>
    event.type === 'ADMISSION_FACTS' && !admissionDecision(context, event.facts).allowed,
  /** The pen reports IDLE: homed, disarmed, ready to arm. */
  isPenIdle: ({ context }: GuardArgs) => context.penReadings.penState === PenState.IDLE,
  /** The plan was written for another mode than the session's. */
  isPlanModeMismatch: ({ context }: GuardArgs) => context.settings.plan.mode !== context.mode,
  /** A professional session that reached its start without an unlock (S9: never on a sound path). */
  isProModeLocked: ({ context }: GuardArgs) => context.mode === 'pro' && context.unlock === null,
  /** Admission grants the professional unlock: a valid credential for this pen, now (S9). */
  isProUnlockGranted: ({ context, event }: GuardArgs) =>
    event.type === 'ADMISSION_FACTS' && unlockDecision(context, event.facts)?.ok === true,
  /** The given clinic profile is refused: unsigned, tampered, untrusted, revoked, invalid or loosening (S2). */
  isProfileRefused: ({ context }: GuardArgs) => context.settings.profileRefusals.length > 0,
  /** No cartridge, or one without needles, per INFO. */
  hasNoCartridge: ({ context }: GuardArgs) =>
    context.pen === null || context.pen.cartridgeId === 0 || context.pen.needleCount === 0,

  // Area choice
  /** Every plan area is locked (pass limit or budget): the plan is done. */
  isEveryAreaDone: ({ context }: GuardArgs) => context.areas.every((progress) => progress.locked),
  /** A session-wide exposure budget is reached while some area is still open (S6). */
  isSessionBudgetReached: ({ context }: GuardArgs) =>
    context.areas.some((progress) => !progress.locked) && sessionExposureBreach(context) !== null,
  /** The operator chooses the areas (SELECT_AREA). */
  isOperatorOrder: ({ context }: GuardArgs) => context.settings.areaOrder === 'operator',
  /** Plan order: no open area has arming attempts left. */
  hasNoAreaToTry: ({ context }: GuardArgs) => nextPlanArea(context, MAX_AREA_ATTEMPTS) === null,
  isAreaNotInPlan: ({ context, event }: GuardArgs) =>
    event.type === 'SELECT_AREA' && progressOf(context, event.area) === undefined,
  isAreaLocked: ({ context, event }: GuardArgs) =>
    event.type === 'SELECT_AREA' && progressOf(context, event.area)?.locked === true,
  /** SELECT_AREA of the area already being worked: nothing to do. */
  isCurrentAreaSelected: ({ context, event }: GuardArgs) =>
    event.type === 'SELECT_AREA' && event.area === context.currentArea,
  /** RESUME is possible: a current area that is not locked. */
  isCurrentAreaOpen: ({ context }: GuardArgs) => currentProgress(context)?.locked === false,
  /** The pen senses skin contact (from its last edge or telemetry). */
  isPenInContact: ({ context }: GuardArgs) => context.penReadings.penContact,

  // Arming
  /** The pen applied a deeper SET_DEPTH (or SET_DEPTH_LIMIT) than was sent (S1): fault. */
  isDepthAckAboveCommand: ({ context, event }: GuardArgs) =>
    event.type === 'COMMAND_ACKED' &&
    (event.command === 'SET_DEPTH' || event.command === 'SET_DEPTH_LIMIT') &&
    event.appliedValue > context.commandedDepthUm,
  /** The ACK completes SET_DEPTH_LIMIT + SET_DEPTH + SET_SPEED. */
  isLastSetupAck: ({ context, event }: GuardArgs) => {
    if (event.type !== 'COMMAND_ACKED') return false;
    const { depthLimit, depth, speed } = context.acks;
    if (event.command === 'SET_DEPTH_LIMIT') return depth && speed;
    if (event.command === 'SET_DEPTH') return depthLimit && speed;
    if (event.command === 'SET_SPEED') return depthLimit && depth;
    return false;
  },
  isSetupAck: ({ event }: GuardArgs) =>
    event.type === 'COMMAND_ACKED' &&
    (event.command === 'SET_DEPTH_LIMIT' || event.command === 'SET_DEPTH' || event.command === 'SET_SPEED'),
  /** A NAK for a command our own STOP discarded from the pen's queue: the echo of the STOP, not a refusal. */
  isCancelledByOwnStop: ({ event }: GuardArgs) =>
    event.type === 'COMMAND_NAKED' && event.reason === Reason.CANCELLED_BY_STOP,
  /** A pass reservation is asked for and not yet answered. */
  isReservationPending: ({ context }: GuardArgs) => {
    const progress = currentProgress(context);
    return progress !== undefined && progress.passesOpened > progress.passesReserved;
  },
  isReservationAnswer: ({ context, event }: GuardArgs) => {
    const progress = currentProgress(context);
    return (
      event.type === 'PASS_RESERVED' &&
      progress !== undefined &&
      event.area === progress.area &&
      event.passNumber === progress.passesOpened
    );
  },
  /** The current area holds a reserved pass not yet started (after a resume, or a refused ARM). */
  hasUnusedReservation: ({ context }: GuardArgs) => {
    const progress = currentProgress(context);
    return progress !== undefined && progress.passesReserved > progress.passes;
  },
  isArmAck: ({ event }: GuardArgs) => event.type === 'COMMAND_ACKED' && event.command === 'ARM',
  /** ARM acknowledged while the skin is already touched: the pass starts at once. */
  isArmAckInContact: ({ context, event }: GuardArgs) =>
    event.type === 'COMMAND_ACKED' && event.command === 'ARM' && context.penReadings.penContact,
  /** EVENT_STOPPED for the STOP this controller sent: already acted on. */
  isOwnStopEcho: ({ event }: GuardArgs) =>
    event.type === 'PEN_STOPPED' && (event.reason === Reason.STOP_HOST || event.reason === Reason.STOP_ESTOP),

  // Passes (S5) and exposure (S6)
  /** The contact edge starts a new pass on the current area. */
  isNewPassEdge: ({ context, event }: GuardArgs) => edgeOutcome(context, contactEdgeOf(event)) === 'passStarted',
  /** The contact edge continues the open pass (lift-off shorter than the debounce). */
  isSamePassEdge: ({ context, event }: GuardArgs) => edgeOutcome(context, contactEdgeOf(event)) === 'passResumed',
  /** A new pass would exceed the limit (a lost lift-off on the final pass): stop instead (S5). */
  isNewPassOverLimit: ({ context, event }: GuardArgs) => {
    const progress = currentProgress(context);
    return (
      progress !== undefined &&
      edgeOutcome(context, contactEdgeOf(event)) === 'passStarted' &&
      progress.counter.passes >= progress.passLimit
    );
  },
  isLiftOff: ({ context, event }: GuardArgs) => edgeOutcome(context, contactEdgeOf(event)) === 'liftedOff',
  /** Lift-off that ends the final allowed pass: stop at once, no debounce (S5). */
  isFinalPassLiftOff: ({ context, event }: GuardArgs) => {
    const progress = currentProgress(context);
    return (
      progress !== undefined &&
      edgeOutcome(context, contactEdgeOf(event)) === 'liftedOff' &&
      progress.counter.passes >= progress.passLimit
    );
  },
  /** Lift-off after which an exposure budget is reached (S6). */
  isExposureReachedAtLiftOff: ({ context, event }: GuardArgs) =>
    edgeOutcome(context, contactEdgeOf(event)) === 'liftedOff' && exposureBreach(afterEdge(context, event)) !== null,
  /** A contact-on that ends the contact in progress (a lost lift-off) after which a budget is reached (S6). */
  isExposureReachedAtNewPass: ({ context, event }: GuardArgs) =>
    event.type === 'CONTACT_ON' &&
    currentProgress(context)?.counter.inContact === true &&
    edgeOutcome(context, contactEdgeOf(event)) === 'passStarted' &&
    exposureBreach(context, { atMs: event.atMs, strokeCount: event.strokeCount }) !== null,
  /** Telemetry shows a budget reached during the contact in progress (S6). */
  isExposureReachedLive: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' &&
    exposureBreach(context, {
      atMs: event.deviceTickMs ?? context.penReadings.lastPenTimeMs,
      strokeCount: event.strokeCount,
    }) !== null,
  /** A budget is reached, the contact in progress counted up to the latest pen readings (S6). */
  isExposureReachedNow: ({ context }: GuardArgs) =>
    exposureBreach(context, {
      atMs: context.penReadings.lastPenTimeMs,
      strokeCount: context.penReadings.lastStrokeCount,
    }) !== null,
  /** The current area has used every pass it may (S5). */
  isAtPassLimit: ({ context }: GuardArgs) => {
    const progress = currentProgress(context);
    return progress !== undefined && progress.counter.passes >= progress.passLimit;
  },
  /** Telemetry shows contact that no edge reported (a lost EVENT_CONTACT): count it as a pass start. */
  hasTelemetryContact: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' &&
    (event.flags & TelemetryFlag.CONTACT) !== 0 &&
    edgeOutcome(context, telemetryEdge(context, event)) === 'passStarted',
  /** Telemetry's contact flag differs from the last contact sense (an edge whose EVENT_CONTACT was lost). */
  isTelemetryContactChange: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' && ((event.flags & TelemetryFlag.CONTACT) !== 0) !== context.penReadings.penContact,
  /** Telemetry shows skin contact (edge or not). */
  isTelemetryInContact: ({ event }: GuardArgs) =>
    event.type === 'TELEMETRY' && (event.flags & TelemetryFlag.CONTACT) !== 0,

  /** A telemetry sample that changes no pen reading: taken without an update (no context copy). */
  isTelemetryUnchanged: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' && isTelemetryUnchanged(context, event, false),
  /** The same with the drive on the current area: no reading changed and no deeper measured depth. */
  isDriveTelemetryUnchanged: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' && isTelemetryUnchanged(context, event, true),

  // Pen health (S1, S13)
  /** The sample shows a fault with the drive not on an area: the pen's own, or a depth above the session cap (S1, S13). */
  hasTelemetryFault: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' && telemetryFault(context, event, false) !== null,
  /** The sample shows a fault while the drive runs on the current area: the pen's, its cap, its commanded depth (S1, S13). */
  hasDriveTelemetryFault: ({ context, event }: GuardArgs) =>
    event.type === 'TELEMETRY' && telemetryFault(context, event, true) !== null,
};

export type GuardName = keyof typeof guards;
