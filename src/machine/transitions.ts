// Transition fragments shared by several states of the controller machine (names only: guards and actions live in setup).
import { Fault } from '../protocol/index.js';
import { PolicyReason } from '../policy/index.js';
import type { FaultEntry, ReasonEntry } from './events.js';
import type { GuardArgs, GuardName } from './guards.js';
import { MEASURED_DEPTH_TOLERANCE_UM, activeCapUm, faultName, reasonName } from './logic.js';

type Args = GuardArgs;

export const lastFaultReason = ({ context }: Args) => context.faults[context.faults.length - 1]?.reason ?? null;
export const eventField = ({ event }: Args, field: 'reason' | 'area'): string =>
  field in event ? String((event as unknown as Record<string, unknown>)[field]) : '';

/** NOTE: every way into `fault` stops the needles first, then records why (S13). */
export function toFault(guard: GuardName | undefined, fault: (args: Args) => FaultEntry) {
  return {
    ...(guard === undefined ? {} : { guard }),
    target: '#fault',
    actions: ['stopNeedles', { type: 'noteFault', params: fault }] as const,
  };
}

export function stopEntry(reason: string, detail: (args: Args) => string) {
  return (args: Args): ReasonEntry =>
    args.context.currentArea === null
      ? { reason, detail: detail(args) }
      : { reason, detail: detail(args), area: args.context.currentArea };
}

/** Operator STOP or FINISH while connected: needles stop at once, the open pass is ended and counted. */
export function endConnected(target: '#aborted' | '#completed', reason: string) {
  const outcome = target === '#completed' ? 'completed' : 'aborted';
  return {
    target,
    actions: [
      'stopNeedles',
      'closeOpenPass',
      'cancelDebounceTimer',
      { type: 'noteStop', params: stopEntry(reason, () => 'operator') },
      { type: 'endSession', params: { outcome, reason } },
    ] as const,
  };
}

export function abortUnconnected(reason: string, detail: (args: Args) => string) {
  return {
    target: '#aborted',
    actions: [
      { type: 'noteStop', params: stopEntry(reason, detail) },
      { type: 'endSession', params: { outcome: 'aborted', reason } },
    ] as const,
  };
}

export function refuseAndEnd(guard: GuardName | undefined, reason: string, detail: (args: Args) => string) {
  return {
    ...(guard === undefined ? {} : { guard }),
    target: '#refused',
    actions: [
      { type: 'refuse', params: stopEntry(reason, detail) },
      { type: 'endSession', params: { outcome: 'refused', reason } },
    ] as const,
  };
}

export function refuse(guard: GuardName | undefined, reason: string, detail: (args: Args) => string) {
  return {
    ...(guard === undefined ? {} : { guard }),
    actions: [{ type: 'refuse', params: (args: Args) => ({ reason, detail: detail(args) }) }] as const,
  };
}

/**
 * Stop at once and lock the current area; the next state is selectingArea. The pass limit records
 * its stop here; exposure locks and their stop are recorded by closeOpenPass (S6).
 */
export function stopAndLock(guard: GuardName, countEdgeFirst: boolean, lock: 'passLimit' | 'exposure') {
  const countEdge = countEdgeFirst ? ([{ type: 'countEdge', params: { source: 'event' } }] as const) : [];
  const passLimitStop =
    lock === 'passLimit'
      ? ([{ type: 'noteStop', params: stopEntry(PolicyReason.PASS_LIMIT_REACHED, passDetail) }] as const)
      : [];
  return {
    guard,
    target: '#selectingArea',
    actions: [
      'stopNeedles',
      'trackPenReadings',
      ...countEdge,
      'closeOpenPass',
      ...passLimitStop,
      'cancelDebounceTimer',
      'leaveArea',
    ] as const,
  };
}

const passDetail = ({ context }: Args) => {
  const progress = context.areas.find((p) => p.area === context.currentArea);
  return progress === undefined ? '' : `${progress.passes} of ${progress.passLimit} passes`;
};

/** SELECT_AREA: refused when not in the plan or locked; else arming. From a running drive, stop first. */
export function selectArea(driveRunning: boolean) {
  const leave = driveRunning ? (['stopNeedles', 'closeOpenPass', 'cancelDebounceTimer'] as const) : [];
  return [
    refuse('isAreaNotInPlan', PolicyReason.AREA_NOT_IN_PLAN, (args) => eventField(args, 'area')),
    refuse('isAreaLocked', PolicyReason.AREA_LOCKED, (args) => eventField(args, 'area')),
    { target: '#arming', actions: [...leave, ...armArea] },
  ];
}

export const penFault = (code: (args: Args) => number, detail: string) => (args: Args) => ({
  code: code(args),
  reason: PolicyReason.PEN_FAULT,
  detail: `${detail} ${faultName(code(args))}`,
});

export const telemetryFaultCode = ({ event }: Args) => (event.type === 'TELEMETRY' ? event.faultCode : 0);
export const measuredDepth = ({ event }: Args) => (event.type === 'TELEMETRY' ? event.measuredDepthUm : 0);

/** Telemetry checks while the drive runs on the current area (S1), then readings are kept. */
export const driveTelemetryChecks = [
  toFault('isTelemetryFaulted', penFault(telemetryFaultCode, 'telemetry')),
  toFault('isMeasuredDepthAboveAreaCap', (args) => ({
    code: Fault.OVER_DEPTH,
    reason: PolicyReason.MEASURED_DEPTH_ABOVE_CAP,
    detail: `measured ${measuredDepth(args)} um > cap ${activeCapUm(args.context, true)} + ${MEASURED_DEPTH_TOLERANCE_UM} um`,
  })),
  toFault('isPenDepthAboveCommand', () => ({
    code: Fault.NONE,
    reason: PolicyReason.PEN_DEPTH_ABOVE_COMMAND,
    detail: 'pen setpoint above the commanded depth',
  })),
] as const;
export const keepDriveReadings = { actions: ['trackDriveReadings'] as const };

/** Contact (from an edge or, if an edge was lost, from telemetry) starts a pass when the drive is armed. */
export const startPassOnContact = {
  CONTACT_ON: [
    {
      guard: 'isNewPassEdge',
      target: '#treating.passInProgress',
      actions: ['trackPenReadings', { type: 'countEdge', params: { source: 'event' } }] as const,
    },
  ],
  TELEMETRY: [
    ...driveTelemetryChecks,
    {
      guard: 'hasTelemetryContact',
      target: '#treating.passInProgress',
      actions: [
        { type: 'countEdge', params: { source: 'telemetry' } },
        'trackPenReadings',
        'noteMeasuredDepth',
      ] as const,
    },
    keepDriveReadings,
  ],
} as const;

const penStopReason = ({ event }: Args) => (event.type === 'PEN_STOPPED' ? reasonName(event.reason) : '');

/** The pen stopped the drive by itself (lease, link reset): the pass ends, the session pauses. */
export const pauseOnPenStop = {
  target: '#paused',
  actions: [
    'closeOpenPass',
    'cancelDebounceTimer',
    { type: 'noteStop', params: stopEntry(PolicyReason.PEN_STOPPED, penStopReason) },
  ] as const,
};

export const pauseByOperator = {
  target: '#paused',
  actions: [
    'stopNeedles',
    'closeOpenPass',
    'cancelDebounceTimer',
    { type: 'noteStop', params: stopEntry(PolicyReason.OPERATOR_PAUSE, () => 'operator') },
  ] as const,
};

export const refuseAreaChange = refuse(undefined, PolicyReason.AREA_CHANGE_WHILE_ACTIVE, (args) =>
  eventField(args, 'area'),
);

/** Arming an area: depth and speed first; ARM only once both are acknowledged. */
export const armArea = [
  'chooseArea',
  { type: 'sendDepth', params: ({ context }: Args) => ({ depthUm: context.commandedDepthUm }) },
  {
    type: 'sendSpeed',
    params: ({ context }: Args) => ({
      strokeHz: context.areas.find((p) => p.area === context.currentArea)?.strokeHz ?? 0,
    }),
  },
] as const;
