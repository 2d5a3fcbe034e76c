// The controller state machine: it decides the whole session; its timeouts and the records' answers arrive as events.
import { and } from 'xstate';
import { PolicyReason } from '../policy/index.js';
import { createInitialContext } from './context.js';
import { TELEMETRY_FOLD_TAGS } from './telemetry-fold.js';
import { controllerSetup } from './setup.js';
import {
  abortFor,
  changeAreaWhileArmed,
  connectedFailures,
  emergencyEnd,
  endOpenPass,
  endWith,
  lockAtLimit,
  lockForBudget,
  operatorEnd,
  penClamp,
  penStopWhileDriving,
  refuseAndEnd,
  refuseAreaChange,
  refuseFor,
  refuseWhen,
  stopFor,
  telemetryFaultToFault,
  toFault,
} from './transitions.js';

/** Operator inputs that a state does not take are refused with a reason, never dropped silently (S8). */
const OPERATOR_INPUTS = ['START_SESSION', 'SELECT_AREA', 'PAUSE', 'RESUME', 'FINISH', 'RESET'] as const;
const refuseInput = { actions: refuseFor(PolicyReason.INPUT_NOT_ACCEPTED_NOW) };

/** A pass ends off the normal debounce (pause, area change): at the limit or a budget it locks the area first. */
const passEndsAtLimitOrBudget = [
  {
    guard: 'isAtPassLimit' as const,
    target: '#selectingArea',
    actions: [
      'stopNeedles',
      { type: 'cancelTimer', params: { timer: 'passDebounce' } },
      ...endOpenPass,
      ...lockAtLimit,
      'leaveArea',
    ] as const,
  },
  {
    guard: 'isExposureReachedNow' as const,
    target: '#selectingArea',
    actions: [
      'stopNeedles',
      { type: 'cancelTimer', params: { timer: 'passDebounce' } },
      ...endOpenPass,
      ...lockForBudget,
      'leaveArea',
    ] as const,
  },
];

/** The controller machine. Create with `createActor(controllerMachine, { input })`; its effects are emitted events. */
export const controllerMachine = controllerSetup.createMachine({
  id: 'controller',
  context: ({ input }) => createInitialContext(input),
  initial: 'disconnected',
  output: ({ context }) => context,
  on: {
    ...Object.fromEntries(OPERATOR_INPUTS.map((type) => [type, refuseInput])),
    ESTOP: emergencyEnd(false),
  },
  states: {
    disconnected: {
      on: {
        // NOTE: a refused clinic profile or a plan for the other mode ends the session before the port is opened.
        START_SESSION: [
          {
            guard: 'isProfileRefused',
            target: '#refused',
            actions: [
              'noteProfileRefusals',
              'recordProfileRefusals',
              'cancelAllTimers',
              'endRefusedByProfile',
              'recordSessionEnded',
            ],
          },
          refuseAndEnd('isPlanModeMismatch', PolicyReason.PLAN_MODE_MISMATCH, 'the plan is written for the other mode'),
          { target: 'connecting' },
        ],
        STOP: abortFor(PolicyReason.OPERATOR_STOP, 'operator'),
        FINISH: abortFor(PolicyReason.OPERATOR_FINISH, 'operator'),
      },
    },
    connecting: {
      entry: ['openLink', { type: 'startTimer', params: { timer: 'connect' } }],
      exit: { type: 'cancelTimer', params: { timer: 'connect' } },
      on: {
        LINK_OPENED: 'connected',
        LINK_FAILED: abortFor(PolicyReason.LINK_FAILED),
        CONNECT_TIMEOUT: abortFor(PolicyReason.LINK_FAILED, 'the port did not open in time'),
        STOP: abortFor(PolicyReason.OPERATOR_STOP, 'operator'),
        FINISH: abortFor(PolicyReason.OPERATOR_FINISH, 'operator'),
      },
    },
    connected: {
      initial: 'handshaking',
      on: {
        ...connectedFailures(false),
        FINISH: operatorEnd('aborted', PolicyReason.OPERATOR_FINISH, false),
        TELEMETRY: [
          telemetryFaultToFault(false, false),
          { guard: 'isTelemetryUnchanged' },
          { actions: 'trackPenReadings' },
        ],
        CONTACT_ON: { actions: 'trackPenReadings' },
        CONTACT_OFF: { actions: 'trackPenReadings' },
        COMMAND_ACKED: { actions: penClamp },
        COMMAND_NAKED: [{ guard: 'isCancelledByOwnStop' }, { actions: ['notePenRefusal', 'recordRefusal'] }],
        PASS_RESERVED: { actions: 'noteReservationConfirmed' },
      },
      states: {
        handshaking: {
          entry: 'sendHello',
          on: {
            INFO_RECEIVED: [
              refuseAndEnd('isProtocolUnsupported', PolicyReason.PROTOCOL_VERSION_UNSUPPORTED),
              { ...toFault('notePenFault', false, 'isPenFaultReported') },
              refuseAndEnd('isProModeWithoutProSku', PolicyReason.PRO_MODE_NEEDS_PRO_SKU),
              refuseAndEnd('hasImplausiblePenLimits', PolicyReason.PEN_LIMITS_IMPLAUSIBLE),
              { target: 'claiming', actions: ['storePenInfo', 'sendTelemetryRate'] },
            ],
            HANDSHAKE_TIMEOUT: abortFor(PolicyReason.HANDSHAKE_TIMEOUT, 'no INFO'),
          },
        },
        claiming: {
          entry: 'claimSession',
          on: {
            SESSION_CLAIMED: { target: 'admitting', actions: ['noteClaim', 'recordProfile', 'recordAreaLocks'] },
            CLAIM_REFUSED: {
              target: '#refused',
              actions: ['noteClaimRefusal', 'recordRefusal', ...endWith('refused')],
            },
          },
        },
        admitting: {
          entry: 'requestAdmissionFacts',
          on: {
            ADMISSION_FACTS: [
              {
                guard: 'isAdmissionRefused',
                target: '#refused',
                actions: [
                  'noteAdmissionRefusals',
                  'recordAdmissionRefusals',
                  'cancelAllTimers',
                  'endRefusedByAdmission',
                  'recordSessionEnded',
                ],
              },
              {
                guard: 'isProUnlockGranted',
                target: 'waitingForIdlePen',
                actions: ['grantUnlock', 'recordUnlock'],
              },
              { target: 'waitingForIdlePen' },
            ],
          },
        },
        waitingForIdlePen: {
          entry: { type: 'startTimer', params: { timer: 'penIdle' } },
          exit: { type: 'cancelTimer', params: { timer: 'penIdle' } },
          always: { guard: 'isPenIdle', target: 'starting' },
          on: { PEN_IDLE_TIMEOUT: abortFor(PolicyReason.PEN_NOT_READY, 'the pen did not report IDLE in time') },
        },
        starting: {
          always: [
            refuseAndEnd('isProModeLocked', PolicyReason.PRO_MODE_LOCKED, 'professional mode is not unlocked'),
            refuseAndEnd('hasNoCartridge', PolicyReason.NO_CARTRIDGE, 'no cartridge with needles in the pen'),
            { target: 'session', actions: ['beginSession', 'recordClamps'] },
          ],
        },
        session: {
          initial: 'selectingArea',
          on: {
            FINISH: operatorEnd('completed', PolicyReason.OPERATOR_FINISH, false),
          },
          states: {
            selectingArea: {
              id: 'selectingArea',
              initial: 'deciding',
              on: {
                SELECT_AREA: [
                  refuseWhen('isAreaNotInPlan', PolicyReason.AREA_NOT_IN_PLAN),
                  refuseWhen('isAreaLocked', PolicyReason.AREA_LOCKED),
                  { target: '#arming', actions: 'chooseArea' },
                ],
              },
              states: {
                deciding: {
                  always: [
                    {
                      guard: 'isEveryAreaDone',
                      target: '#completed',
                      actions: endWith('completed', PolicyReason.PLAN_COMPLETE),
                    },
                    { guard: 'isSessionBudgetReached', actions: lockForBudget },
                    { guard: 'isOperatorOrder', target: 'awaitingOperator' },
                    {
                      guard: 'hasNoAreaToTry',
                      ...abortFor(PolicyReason.AREA_ATTEMPTS_EXHAUSTED, 'the pen refused arming every open area'),
                    },
                    { target: 'delaying' },
                  ],
                },
                delaying: {
                  entry: { type: 'startTimer', params: { timer: 'nextArea' } },
                  exit: { type: 'cancelTimer', params: { timer: 'nextArea' } },
                  on: {
                    NEXT_AREA_DUE: [
                      { guard: 'isPenInContact', target: 'delaying', reenter: true },
                      { target: '#arming', actions: 'chooseNextArea' },
                    ],
                    CONTACT_ON: { target: 'delaying', reenter: true, actions: 'trackPenReadings' },
                    CONTACT_OFF: { target: 'delaying', reenter: true, actions: 'trackPenReadings' },
                    // NOTE: a contact change only telemetry shows restarts the dwell too (its EVENT_CONTACT lost).
                    TELEMETRY: [
                      telemetryFaultToFault(false, false),
                      {
                        guard: 'isTelemetryContactChange',
                        target: 'delaying',
                        reenter: true,
                        actions: 'trackPenReadings',
                      },
                      { guard: 'isTelemetryUnchanged' },
                      { actions: 'trackPenReadings' },
                    ],
                  },
                },
                awaitingOperator: { tags: [TELEMETRY_FOLD_TAGS.inContact.idle, TELEMETRY_FOLD_TAGS.outOfContact.idle] },
              },
            },
            arming: {
              id: 'arming',
              initial: 'configuring',
              entry: ['startArming', 'sendDepthLimit', 'sendDepth', 'sendSpeed'],
              on: {
                COMMAND_NAKED: [
                  { guard: 'isCancelledByOwnStop' },
                  {
                    target: '#selectingArea',
                    actions: ['stopNeedles', 'notePenRefusal', 'recordRefusal', 'noteArmRefused', 'leaveArea'],
                  },
                ],
                PAUSE: {
                  target: '#paused',
                  actions: ['stopNeedles', ...stopFor(PolicyReason.OPERATOR_PAUSE, 'operator')],
                },
                SELECT_AREA: refuseAreaChange,
              },
              states: {
                configuring: {
                  on: {
                    COMMAND_ACKED: [
                      toFault('notePenDepthAboveCommand', false, 'isDepthAckAboveCommand'),
                      {
                        guard: and(['isLastSetupAck', 'isReservationPending']),
                        target: 'awaitingReservation',
                        actions: ['noteSetupAck', ...penClamp],
                      },
                      {
                        guard: and(['isLastSetupAck', 'hasUnusedReservation']),
                        target: 'awaitingArm',
                        actions: ['noteSetupAck', ...penClamp],
                      },
                      { guard: 'isLastSetupAck', target: 'reserving', actions: ['noteSetupAck', ...penClamp] },
                      { guard: 'isSetupAck', actions: ['noteSetupAck', ...penClamp] },
                      { actions: penClamp },
                    ],
                  },
                },
                reserving: {
                  entry: ['noteReservationRequested', 'reservePass'],
                  on: {
                    PASS_RESERVED: [
                      { guard: 'isReservationAnswer', target: 'awaitingArm', actions: 'noteReservationConfirmed' },
                      { actions: 'noteReservationConfirmed' },
                    ],
                  },
                },
                awaitingReservation: {
                  on: {
                    PASS_RESERVED: [
                      { guard: 'isReservationAnswer', target: 'awaitingArm', actions: 'noteReservationConfirmed' },
                      { actions: 'noteReservationConfirmed' },
                    ],
                  },
                },
                awaitingArm: {
                  entry: 'armDrive',
                  on: {
                    COMMAND_ACKED: [
                      {
                        guard: 'isArmAckInContact',
                        target: '#treating',
                        actions: [...penClamp, { type: 'countEdge', params: { source: 'sense' } }, 'recordPassStarted'],
                      },
                      { guard: 'isArmAck', target: '#armed', actions: penClamp },
                      { actions: penClamp },
                    ],
                    PEN_STOPPED: penStopWhileDriving(false),
                  },
                },
              },
            },
            armed: {
              id: 'armed',
              tags: [TELEMETRY_FOLD_TAGS.outOfContact.driving],
              on: {
                CONTACT_ON: [
                  {
                    guard: 'isNewPassEdge',
                    target: '#treating',
                    actions: [
                      'trackPenReadings',
                      { type: 'countEdge', params: { source: 'event' } },
                      'recordPassStarted',
                    ],
                  },
                  { actions: 'trackPenReadings' },
                ],
                TELEMETRY: [
                  telemetryFaultToFault(true, false),
                  {
                    guard: 'hasTelemetryContact',
                    target: '#treating',
                    actions: [
                      { type: 'countEdge', params: { source: 'telemetry' } },
                      'trackDriveReadings',
                      'recordPassStarted',
                    ],
                  },
                  { guard: 'isDriveTelemetryUnchanged' },
                  { actions: 'trackDriveReadings' },
                ],
                PAUSE: {
                  target: '#paused',
                  actions: ['stopNeedles', ...stopFor(PolicyReason.OPERATOR_PAUSE, 'operator')],
                },
                PEN_STOPPED: penStopWhileDriving(false),
                SELECT_AREA: changeAreaWhileArmed,
              },
            },
            treating: {
              id: 'treating',
              initial: 'passInProgress',
              on: {
                ...connectedFailures(true),
                FINISH: operatorEnd('completed', PolicyReason.OPERATOR_FINISH, true),
                TELEMETRY: [
                  telemetryFaultToFault(true, true),
                  { guard: 'isDriveTelemetryUnchanged' },
                  { actions: 'trackDriveReadings' },
                ],
                PAUSE: [
                  ...passEndsAtLimitOrBudget,
                  {
                    target: '#paused',
                    actions: [
                      'stopNeedles',
                      { type: 'cancelTimer', params: { timer: 'passDebounce' } },
                      ...endOpenPass,
                      ...stopFor(PolicyReason.OPERATOR_PAUSE, 'operator'),
                    ],
                  },
                ],
                PEN_STOPPED: penStopWhileDriving(true),
              },
              states: {
                passInProgress: {
                  tags: [TELEMETRY_FOLD_TAGS.inContact.driving],
                  on: {
                    CONTACT_OFF: [
                      {
                        guard: 'isFinalPassLiftOff',
                        target: '#selectingArea',
                        actions: [
                          'stopNeedles',
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                          ...endOpenPass,
                          ...lockAtLimit,
                          'leaveArea',
                        ],
                      },
                      {
                        guard: 'isExposureReachedAtLiftOff',
                        target: '#selectingArea',
                        actions: [
                          'stopNeedles',
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                          ...endOpenPass,
                          ...lockForBudget,
                          'leaveArea',
                        ],
                      },
                      {
                        guard: 'isLiftOff',
                        target: 'liftOff',
                        actions: [
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                          { type: 'startTimer', params: { timer: 'passDebounce' } },
                        ],
                      },
                      { actions: 'trackPenReadings' },
                    ],
                    CONTACT_ON: [
                      {
                        guard: 'isNewPassOverLimit',
                        target: '#selectingArea',
                        actions: ['stopNeedles', 'trackPenReadings', ...endOpenPass, ...lockAtLimit, 'leaveArea'],
                      },
                      {
                        guard: 'isExposureReachedAtNewPass',
                        target: '#selectingArea',
                        actions: ['stopNeedles', 'trackPenReadings', ...endOpenPass, ...lockForBudget, 'leaveArea'],
                      },
                      {
                        guard: 'isNewPassEdge',
                        target: '#arming',
                        actions: [
                          'stopNeedles',
                          'trackPenReadings',
                          ...endOpenPass,
                          ...stopFor(PolicyReason.PASS_NOT_RESERVED),
                        ],
                      },
                      { actions: 'trackPenReadings' },
                    ],
                    TELEMETRY: [
                      telemetryFaultToFault(true, true),
                      {
                        guard: 'isExposureReachedLive',
                        target: '#selectingArea',
                        actions: ['stopNeedles', 'trackDriveReadings', ...endOpenPass, ...lockForBudget, 'leaveArea'],
                      },
                      { guard: 'isDriveTelemetryUnchanged' },
                      { actions: 'trackDriveReadings' },
                    ],
                    SELECT_AREA: refuseAreaChange,
                  },
                },
                liftOff: {
                  tags: [TELEMETRY_FOLD_TAGS.outOfContact.driving],
                  on: {
                    CONTACT_ON: [
                      {
                        guard: 'isSamePassEdge',
                        target: 'passInProgress',
                        actions: [
                          { type: 'cancelTimer', params: { timer: 'passDebounce' } },
                          'trackPenReadings',
                          { type: 'countEdge', params: { source: 'event' } },
                        ],
                      },
                      {
                        guard: 'isNewPassEdge',
                        target: '#arming',
                        actions: [
                          'stopNeedles',
                          { type: 'cancelTimer', params: { timer: 'passDebounce' } },
                          'trackPenReadings',
                          ...endOpenPass,
                          ...stopFor(PolicyReason.PASS_NOT_RESERVED),
                        ],
                      },
                      { actions: 'trackPenReadings' },
                    ],
                    PASS_DEBOUNCE_ELAPSED: [
                      {
                        guard: 'isExposureReachedNow',
                        target: '#selectingArea',
                        actions: ['stopNeedles', ...endOpenPass, ...lockForBudget, 'leaveArea'],
                      },
                      { target: '#reservingNext', actions: endOpenPass },
                    ],
                    SELECT_AREA: [
                      { guard: 'isCurrentAreaSelected' },
                      refuseWhen('isAreaNotInPlan', PolicyReason.AREA_NOT_IN_PLAN),
                      refuseWhen('isAreaLocked', PolicyReason.AREA_LOCKED),
                      ...passEndsAtLimitOrBudget,
                      {
                        target: '#arming',
                        actions: [
                          'stopNeedles',
                          { type: 'cancelTimer', params: { timer: 'passDebounce' } },
                          ...endOpenPass,
                          'chooseArea',
                        ],
                      },
                    ],
                  },
                },
              },
            },
            reservingNext: {
              id: 'reservingNext',
              entry: ['noteReservationRequested', 'reservePass'],
              on: {
                PASS_RESERVED: [
                  { guard: 'isReservationAnswer', target: '#armed', actions: 'noteReservationConfirmed' },
                  { actions: 'noteReservationConfirmed' },
                ],
                CONTACT_ON: {
                  target: '#arming',
                  actions: ['stopNeedles', 'trackPenReadings', ...stopFor(PolicyReason.PASS_NOT_RESERVED)],
                },
                TELEMETRY: [
                  telemetryFaultToFault(true, false),
                  {
                    guard: 'isTelemetryInContact',
                    target: '#arming',
                    actions: ['stopNeedles', 'trackDriveReadings', ...stopFor(PolicyReason.PASS_NOT_RESERVED)],
                  },
                  { guard: 'isDriveTelemetryUnchanged' },
                  { actions: 'trackDriveReadings' },
                ],
                PAUSE: {
                  target: '#paused',
                  actions: ['stopNeedles', ...stopFor(PolicyReason.OPERATOR_PAUSE, 'operator')],
                },
                PEN_STOPPED: penStopWhileDriving(false),
                SELECT_AREA: changeAreaWhileArmed,
              },
            },
            paused: {
              id: 'paused',
              on: {
                RESUME: [
                  { guard: 'isCurrentAreaOpen', target: '#arming' },
                  { actions: refuseFor(PolicyReason.AREA_LOCKED) },
                ],
                SELECT_AREA: [
                  refuseWhen('isAreaNotInPlan', PolicyReason.AREA_NOT_IN_PLAN),
                  refuseWhen('isAreaLocked', PolicyReason.AREA_LOCKED),
                  { target: '#arming', actions: 'chooseArea' },
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
      entry: endWith('fault'),
      on: { RESET: { actions: 'resetPen' }, STOP: { actions: 'stopNeedles' }, ESTOP: { actions: 'emergencyStop' } },
    },
    emergencyStop: {
      id: 'emergencyStop',
      on: { RESET: { actions: 'resetPen' }, STOP: { actions: 'stopNeedles' }, ESTOP: { actions: 'emergencyStop' } },
    },
  },
});
