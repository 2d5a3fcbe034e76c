// Transition fragments shared by several states of the controller machine: names and static params only.
import { PolicyReason } from '../policy/index.js';
import type { Outcome } from './events.js';
import type { GuardName } from './guards.js';

/** Ends the session with `outcome` and records it. */
export const endWith = (outcome: Outcome, reason?: string) =>
  [
    'cancelAllTimers',
    { type: 'endSession', params: reason === undefined ? { outcome } : { outcome, reason } } as const,
    'recordSessionEnded',
  ] as const;

/** Notes a stop with its reason and records it (S8). */
export const stopFor = (reason: string, detail?: string) =>
  [
    { type: 'noteStop', params: detail === undefined ? { reason } : { reason, detail } } as const,
    'recordStop',
  ] as const;

/** Notes a refusal with its reason (and a detail, else the event's) and records it (S8). */
export const refuseFor = (reason: string, detail?: string) =>
  [
    { type: 'noteRefusal', params: detail === undefined ? { reason } : { reason, detail } } as const,
    'recordRefusal',
  ] as const;

/** A refused input: nothing else changes. */
export const refuseWhen = (guard: GuardName, reason: string) => ({ guard, actions: refuseFor(reason) });

/** Refuses and ends the session as refused. */
export const refuseAndEnd = (guard: GuardName, reason: string, detail?: string) => ({
  guard,
  target: '#refused',
  actions: [...refuseFor(reason, detail), ...endWith('refused', reason)] as const,
});

/** Ends the session as aborted before the drive ran, with the stop recorded. */
export const abortFor = (reason: string, detail?: string) => ({
  target: '#aborted',
  actions: [...stopFor(reason, detail), ...endWith('aborted', reason)] as const,
});

/** The open pass ends at the latest pen readings and is recorded (only where a pass is open). */
export const endOpenPass = ['endPass', 'recordPassEnded'] as const;

/**
 * NOTE: every way into `fault` stops the needles first, then records why (S13); `inPass` also
 * ends the open pass. The fault state's entry ends and records the session.
 */
/** The assign actions that note a fault. */
export type FaultNote =
  | 'noteLinkDead'
  | 'notePenFault'
  | 'notePenStopped'
  | 'noteCartridgeRemoved'
  | 'notePenDepthAboveCommand'
  | 'noteRecordsUnavailable';

export const toFault = (note: FaultNote, inPass: boolean, guard?: GuardName) => ({
  ...(guard === undefined ? {} : { guard }),
  target: '#fault',
  actions: inPass
    ? (['stopNeedles', note, 'recordFault', ...endOpenPass] as const)
    : (['stopNeedles', note, 'recordFault'] as const),
});

/** Operator STOP (aborted) or FINISH (completed) once connected: needles stop at once. */
export const operatorEnd = (outcome: 'aborted' | 'completed', reason: string, inPass: boolean) => ({
  target: outcome === 'completed' ? '#completed' : '#aborted',
  actions: [
    'stopNeedles',
    ...(inPass ? endOpenPass : ([] as const)),
    ...stopFor(reason, 'operator'),
    ...endWith(outcome, reason),
  ] as const,
});

/** ESTOP: the pen latches ESTOP at once; the session ends as an emergency stop. */
export const emergencyEnd = (inPass: boolean) => ({
  target: '#emergencyStop',
  actions: [
    'emergencyStop',
    ...(inPass ? endOpenPass : ([] as const)),
    ...stopFor(PolicyReason.EMERGENCY_STOP, 'ESTOP'),
    ...endWith('emergencyStop', PolicyReason.EMERGENCY_STOP),
  ] as const,
});

/** Link, pen and records failures while connected; `inPass` also ends the open pass. */
export const connectedFailures = (inPass: boolean) => ({
  LINK_DEAD: toFault('noteLinkDead', inPass),
  PEN_FAULT: toFault('notePenFault', inPass),
  CARTRIDGE_REMOVED: toFault('noteCartridgeRemoved', inPass),
  RECORDS_UNAVAILABLE: toFault('noteRecordsUnavailable', inPass),
  STOP: operatorEnd('aborted', PolicyReason.OPERATOR_STOP, inPass),
  ESTOP: emergencyEnd(inPass),
});

/** The pen stopped the drive by itself while it should run (lease lapsed, link reset): a fault. */
export const penStopWhileDriving = (inPass: boolean) => [
  { guard: 'isOwnStopEcho' as const },
  toFault('notePenStopped', inPass),
];

/**
 * Telemetry that shows a fault ends in #fault (S1, S13): one guard checks the sample once
 * (telemetryFault). `driveOnArea`: the drive runs on the current area (its cap and commanded depth
 * apply, else the session cap); `inPass` also ends the open pass.
 */
export const telemetryFaultToFault = (driveOnArea: boolean, inPass: boolean) => ({
  guard: driveOnArea ? ('hasDriveTelemetryFault' as const) : ('hasTelemetryFault' as const),
  target: '#fault',
  actions: [
    'stopNeedles',
    { type: 'noteTelemetryFault', params: { driveOnArea } },
    'recordFault',
    ...(inPass ? endOpenPass : ([] as const)),
  ] as const,
});

/** The clamp note of an ACK, kept and recorded when it has one (S8). */
export const penClamp = ['notePenClamp', 'recordPenClamp'] as const;

/** Locks the current area at its pass limit, with the stop recorded (S5). */
export const lockAtLimit = [
  'lockAreaAtLimit',
  'recordAreaLocks',
  ...stopFor(PolicyReason.PASS_LIMIT_REACHED, 'pass limit'),
] as const;

/** Locks for the exposure budget reached, with the stop recorded (S6). */
export const lockForBudget = ['noteExposureStop', 'recordStop', 'lockForExposure', 'recordAreaLocks'] as const;

/** SELECT_AREA while the drive runs with no pass open: the current area again is nothing; another is armed. */
export const changeAreaWhileArmed = [
  { guard: 'isCurrentAreaSelected' as const },
  refuseWhen('isAreaNotInPlan', PolicyReason.AREA_NOT_IN_PLAN),
  refuseWhen('isAreaLocked', PolicyReason.AREA_LOCKED),
  { target: '#arming', actions: ['stopNeedles', 'chooseArea'] as const },
];

/** SELECT_AREA while arming or in contact: refused (the current area again is nothing). */
export const refuseAreaChange = [
  { guard: 'isCurrentAreaSelected' as const },
  { actions: refuseFor(PolicyReason.AREA_CHANGE_WHILE_ACTIVE) },
];
