// The controller state machine: a pure safety core whose timeouts arrive as events (no `after`, no `invoke`).
import { Fault } from '../protocol/index.js';
import { PolicyReason } from '../policy/index.js';
import { createInitialContext } from './context.js';
import { MEASURED_DEPTH_TOLERANCE_UM, activeCapUm } from './logic.js';
import { controllerSetup } from './setup.js';
import {
  abortUnconnected,
  armArea,
  driveTelemetryChecks,
  endConnected,
  eventField,
  keepDriveReadings,
  lastFaultReason,
  measuredDepth,
  pauseByOperator,
  pauseOnPenStop,
  penFault,
  refuse,
  refuseAndEnd,
  refuseAreaChange,
  selectArea,
  startPassOnContact,
  stopAndLock,
  stopEntry,
  telemetryFaultCode,
  toFault,
} from './transitions.js';

/** Operator inputs that a state does not take are refused with a reason, never dropped silently (S8). */
const OPERATOR_INPUTS = [
  'CONNECT',
  'UNLOCK_PRO',
  'START_SESSION',
  'SELECT_AREA',
  'PAUSE',
  'RESUME',
  'FINISH',
  'RESET',
] as const;
const refuseInput = refuse(undefined, PolicyReason.INPUT_NOT_ACCEPTED_NOW, ({ event }) => event.type);

/** The controller machine. Create with `createActor(controllerMachine, { input })`; wire with `.provide()`. */
export const controllerMachine = controllerSetup.createMachine({
  id: 'controller',
  context: ({ input }) => createInitialContext(input),
  initial: 'disconnected',
  output: ({ context }) => context,
  on: {
    ...Object.fromEntries(OPERATOR_INPUTS.map((type) => [type, refuseInput])),
    ESTOP: {
      target: '#emergencyStop',
      actions: [
        'emergencyStop',
        'closeOpenPass',
        'cancelDebounceTimer',
        { type: 'noteStop', params: stopEntry(PolicyReason.EMERGENCY_STOP, () => 'ESTOP') },
        { type: 'endSession', params: { outcome: 'emergencyStop', reason: PolicyReason.EMERGENCY_STOP } },
      ],
    },
  },
  states: {
    disconnected: {
      on: {
        CONNECT: 'connecting',
        STOP: abortUnconnected(PolicyReason.OPERATOR_STOP, () => 'operator'),
        FINISH: abortUnconnected(PolicyReason.OPERATOR_FINISH, () => 'operator'),
      },
    },
    connecting: {
      entry: 'openLink',
      on: {
        LINK_OPENED: 'connected',
        LINK_FAILED: abortUnconnected(PolicyReason.LINK_FAILED, (args) => eventField(args, 'reason')),
        STOP: abortUnconnected(PolicyReason.OPERATOR_STOP, () => 'operator'),
        FINISH: abortUnconnected(PolicyReason.OPERATOR_FINISH, () => 'operator'),
      },
    },
    connected: {
      initial: 'handshaking',
      on: {
        LINK_DEAD: toFault(undefined, (args) => ({
          code: Fault.NONE,
          reason: PolicyReason.LINK_DEAD,
          detail: eventField(args, 'reason'),
        })),
        PEN_FAULT: toFault(
          undefined,
          penFault(({ event }) => (event.type === 'PEN_FAULT' ? event.faultCode : 0), 'event'),
        ),
        CARTRIDGE_REMOVED: toFault(undefined, () => ({
          code: Fault.CARTRIDGE_REMOVED,
          reason: PolicyReason.CARTRIDGE_REMOVED,
          detail: 'cartridge removed: the session ends for this cartridge',
        })),
        TELEMETRY: [
          toFault('isTelemetryFaulted', penFault(telemetryFaultCode, 'telemetry')),
          toFault('isMeasuredDepthAboveSessionCap', (args) => ({
            code: Fault.OVER_DEPTH,
            reason: PolicyReason.MEASURED_DEPTH_ABOVE_CAP,
            detail: `measured ${measuredDepth(args)} um > cap ${activeCapUm(args.context, false)} + ${MEASURED_DEPTH_TOLERANCE_UM} um`,
          })),
          { actions: 'trackPenReadings' },
        ],
        CONTACT_ON: { actions: 'trackPenReadings' },
        CONTACT_OFF: { actions: 'trackPenReadings' },
        COMMAND_ACKED: { actions: 'notePenClamp' },
        COMMAND_NAKED: [
          { guard: 'isDisarmRefused', actions: ['stopNeedles', 'notePenRefusal'] },
          { actions: 'notePenRefusal' },
        ],
        STOP: endConnected('#aborted', PolicyReason.OPERATOR_STOP),
        FINISH: endConnected('#aborted', PolicyReason.OPERATOR_FINISH),
      },
      states: {
        handshaking: {
          entry: 'sendHello',
          on: {
            INFO_RECEIVED: [
              refuseAndEnd('isProtocolUnsupported', PolicyReason.PROTOCOL_VERSION_UNSUPPORTED, ({ event }) =>
                event.type === 'INFO_RECEIVED' ? `pen speaks ${event.info.protocolVersion}` : '',
              ),
              toFault(
                'isPenFaultReported',
                penFault(({ event }) => (event.type === 'INFO_RECEIVED' ? event.info.faultCode : 0), 'INFO'),
              ),
              refuseAndEnd(
                'isProModeWithoutProSku',
                PolicyReason.PRO_MODE_NEEDS_PRO_SKU,
                () => 'pen is not the pro SKU',
              ),
              refuseAndEnd('hasImplausiblePenLimits', PolicyReason.PEN_LIMITS_IMPLAUSIBLE, () => 'stroke range'),
              { target: 'idle', actions: 'storePenInfo' },
            ],
            HANDSHAKE_TIMEOUT: abortUnconnected(PolicyReason.HANDSHAKE_TIMEOUT, () => 'no INFO'),
          },
        },
        idle: {
          on: {
            UNLOCK_PRO: [
              { guard: 'isProCredentialValid', actions: 'unlockPro' },
              refuse(undefined, PolicyReason.PRO_CREDENTIAL_INVALID, () => 'credential does not match'),
            ],
            START_SESSION: [
              refuseAndEnd(
                'isPlanModeMismatch',
                PolicyReason.PLAN_MODE_MISMATCH,
                ({ context }) => `plan ${context.settings.plan.mode}`,
              ),
              refuseAndEnd('isProModeLocked', PolicyReason.PRO_MODE_LOCKED, () => 'UNLOCK_PRO first'),
              refuseAndEnd('hasNoCartridge', PolicyReason.NO_CARTRIDGE, () => 'no cartridge with needles'),
              { target: 'session', actions: 'beginSession' },
            ],
          },
        },
        session: {
          initial: 'selectingArea',
          on: {
            SELECT_AREA: selectArea(false),
            FINISH: endConnected('#completed', PolicyReason.OPERATOR_FINISH),
          },
          states: {
            selectingArea: { id: 'selectingArea' },
            arming: {
              id: 'arming',
              initial: 'configuring',
              on: {
                COMMAND_NAKED: { target: '#selectingArea', actions: ['stopNeedles', 'notePenRefusal', 'leaveArea'] },
                PAUSE: pauseByOperator,
                SELECT_AREA: refuseAreaChange,
              },
              states: {
                configuring: {
                  on: {
                    COMMAND_ACKED: [
                      toFault('isDepthAckAboveCommand', ({ event }) => ({
                        code: Fault.NONE,
                        reason: PolicyReason.PEN_DEPTH_ABOVE_COMMAND,
                        detail: `SET_DEPTH applied ${event.type === 'COMMAND_ACKED' ? event.appliedValue : 0} um`,
                      })),
                      {
                        guard: 'isLastSetupAck',
                        target: 'awaitingArm',
                        actions: ['noteSetupAck', 'notePenClamp', 'openPassIfNeeded', 'armDrive'],
                      },
                      { guard: 'isSetupAck', actions: ['noteSetupAck', 'notePenClamp'] },
                      { actions: 'notePenClamp' },
                    ],
                  },
                },
                awaitingArm: {
                  on: {
                    COMMAND_ACKED: [
                      {
                        guard: 'isArmAckInContact',
                        target: '#treating.passInProgress',
                        actions: ['notePenClamp', { type: 'countEdge', params: { source: 'sense' } }],
                      },
                      { guard: 'isArmAck', target: '#armed', actions: 'notePenClamp' },
                      { actions: 'notePenClamp' },
                    ],
                    PEN_STOPPED: pauseOnPenStop,
                  },
                },
              },
            },
            armed: {
              id: 'armed',
              on: {
                ...startPassOnContact,
                PAUSE: pauseByOperator,
                PEN_STOPPED: pauseOnPenStop,
                SELECT_AREA: selectArea(true),
              },
            },
            treating: {
              id: 'treating',
              initial: 'passInProgress',
              on: {
                TELEMETRY: [...driveTelemetryChecks, keepDriveReadings],
                PAUSE: pauseByOperator,
                PEN_STOPPED: pauseOnPenStop,
                SELECT_AREA: selectArea(true),
              },
              states: {
                passInProgress: {
                  on: {
                    CONTACT_OFF: [
                      stopAndLock('isFinalPassLiftOff', true, 'passLimit'),
                      stopAndLock('isExposureReachedAtLiftOff', true, 'exposure'),
                      {
                        guard: 'isLiftOff',
                        target: 'liftOff',
                        actions: [
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                          {
                            type: 'startDebounceTimer',
                            params: ({ context }) => ({ debounceMs: context.settings.passDebounceMs }),
                          },
                        ],
                      },
                    ],
                    CONTACT_ON: [
                      stopAndLock('isNewPassOverLimit', false, 'passLimit'),
                      stopAndLock('isExposureReachedAtNewPass', false, 'exposure'),
                      {
                        guard: 'isNewPassEdge',
                        actions: ['trackPenReadings', { type: 'countEdge', params: { source: 'event' } }],
                      },
                      { actions: 'trackPenReadings' },
                    ],
                    TELEMETRY: [
                      ...driveTelemetryChecks,
                      stopAndLock('isExposureReachedLive', false, 'exposure'),
                      keepDriveReadings,
                    ],
                    SELECT_AREA: refuseAreaChange,
                  },
                },
                liftOff: {
                  on: {
                    CONTACT_ON: [
                      {
                        guard: 'isSamePassEdge',
                        target: 'passInProgress',
                        actions: [
                          'cancelDebounceTimer',
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                        ],
                      },
                      {
                        guard: 'isNewPassEdge',
                        target: 'passInProgress',
                        actions: [
                          'cancelDebounceTimer',
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                        ],
                      },
                    ],
                    PASS_DEBOUNCE_ELAPSED: { target: 'betweenPasses', actions: ['closeOpenPass', 'openPassIfNeeded'] },
                  },
                },
                betweenPasses: { on: startPassOnContact },
              },
            },
            paused: {
              id: 'paused',
              on: {
                RESUME: [
                  { guard: 'isCurrentAreaOpen', target: 'arming', actions: armArea },
                  refuse(undefined, PolicyReason.AREA_LOCKED, ({ context }) => context.currentArea ?? 'no area'),
                ],
              },
            },
          },
        },
      },
    },
    completed: { id: 'completed', type: 'final' },
    refused: { id: 'refused', type: 'final' },
    aborted: { id: 'aborted', type: 'final' },
    fault: {
      id: 'fault',
      entry: [
        'closeOpenPass',
        'cancelDebounceTimer',
        { type: 'endSession', params: (args) => ({ outcome: 'fault', reason: lastFaultReason(args) }) },
      ],
      on: {
        RESET: { target: 'disconnected', actions: ['resetPen', 'clearAfterReset'] },
        STOP: { actions: 'stopNeedles' },
      },
    },
    emergencyStop: {
      id: 'emergencyStop',
      on: {
        RESET: { target: 'disconnected', actions: ['resetPen', 'clearAfterReset'] },
        STOP: { actions: 'stopNeedles' },
      },
    },
  },
});
